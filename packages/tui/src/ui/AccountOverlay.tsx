import { Box, Text } from 'ink';
import type { SessionInfo } from '@open-discord/protocol';
import { focusedField, groupedSecret, type AccountScreen } from '../state/account/account.js';
import { appPasswordLine } from '../state/account/app-password-lines.js';
import { qrLines } from './qr-lines.js';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** /2fa enable, /2fa disable, /password and /sessions: drawn from state.account alone. */
export function AccountOverlay({ account, width, height }: { account: AccountScreen; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      {account.kind === 'enrol' ? <Enrol a={account} height={height} /> : account.kind === 'form' ? <Form a={account} /> : <Sessions a={account} />}
      {account.error ? <Text color="red">{account.error}</Text> : null}
      {account.busy ? <Text color="yellow">asking the server…</Text> : null}
    </Box>
  );
}

/** Rows the enrolment screen needs besides the QR code: border, title, secret, code, hint, an error. */
const ENROL_TEXT_ROWS = 7;

function Enrol({ a, height }: { a: Extract<AccountScreen, { kind: 'enrol' }>; height: number }) {
  if (a.recoveryCodes) {
    return (
      <>
        <Text bold color="green">
          Two-factor login is on.
        </Text>
        <Text>Recovery codes: each logs in once without the app. Keep them somewhere safe; they are not shown again.</Text>
        {a.recoveryCodes.map((c) => (
          <Text key={c}>  {c}</Text>
        ))}
        <Text dimColor>Enter or Esc closes</Text>
      </>
    );
  }
  if (!a.secret || !a.uri) return <Text bold>Two-factor login: preparing a secret…</Text>;
  const qr = qrLines(a.uri);
  // A code cut in half cannot be scanned, and it would push the code field off the screen: say so instead.
  const fits = qr.length + ENROL_TEXT_ROWS <= height;
  return (
    <>
      <Text bold>{fits ? 'Two-factor login: scan this with your authenticator app' : 'Two-factor login: add this secret to your authenticator app'}</Text>
      {fits ? qr.map((line, i) => <Text key={i}>{line}</Text>) : <Text dimColor>(the terminal is too short for the QR code: make it taller to scan one)</Text>}
      <Text>
        or type the secret: <Text bold>{groupedSecret(a.secret)}</Text>
      </Text>
      <Text>
        <Text color="cyan">{focusedField(a)?.label ?? 'Code'}: </Text>
        {a.code}
        {a.busy ? null : <Text inverse> </Text>}
      </Text>
      <Text dimColor>Enter the code the app shows to turn it on · Esc cancels (nothing changes)</Text>
    </>
  );
}

const FORM_TITLES: Record<Extract<AccountScreen, { kind: 'form' }>['purpose'], string> = {
  disable: 'Turn two-factor login off',
  password: 'Change your password',
  delete: 'Delete your account',
};

function Form({ a }: { a: Extract<AccountScreen, { kind: 'form' }> }) {
  return (
    <>
      <Text bold>{FORM_TITLES[a.purpose]}</Text>
      {a.purpose === 'delete' ? (
        <>
          <Text color="red">This cannot be undone: your profile, DMs, reactions and sessions go.</Text>
          <Text color="red">
            {a.messages === 'keep'
              ? 'Your messages in shared rooms stay under "deleted user".'
              : a.messages === 'erase'
                ? 'Your messages in shared rooms are erased.'
                : 'Your messages in shared rooms are erased or kept, as the server decides (/account delete keep|erase chooses).'}
          </Text>
        </>
      ) : null}
      {a.fields.map((f, i) => {
        if (i > a.step) return null;
        const current = i === a.step;
        const value = a.values[f.name] ?? '';
        const shown = f.hidden ? (current ? '(hidden)' : '********') : value;
        return (
          <Text key={f.name}>
            <Text color={current ? 'cyan' : undefined} dimColor={!current}>
              {f.label}:{' '}
            </Text>
            {shown}
            {current && !a.busy ? <Text inverse> </Text> : null}
          </Text>
        );
      })}
      <Text dimColor>
        {a.purpose === 'password' ? 'Your other sessions are logged out; this one stays. ' : ''}Enter next · Esc cancels
      </Text>
    </>
  );
}

function sessionLine(s: SessionInfo): string {
  return `${s.client} · ${s.address || 'address unknown'} · since ${when(s.firstSeen)} · last seen ${when(s.lastSeen)}${s.current ? ' · this one' : ''}`;
}

function Sessions({ a }: { a: Extract<AccountScreen, { kind: 'sessions' }> }) {
  return (
    <>
      <Text bold>Where you are logged in</Text>
      {a.sessions === null ? <Text dimColor>loading…</Text> : null}
      {a.sessions?.map((s, i) => (
        <Text key={s.id} wrap="truncate" inverse={i === a.selected} bold={s.current}>
          {i === a.selected ? '> ' : '  '}
          {sessionLine(s)}
        </Text>
      ))}
      {a.appPasswords.length ? <Text bold>App passwords (IRC clients)</Text> : null}
      {a.appPasswords.map((p, i) => {
        const chosen = (a.sessions?.length ?? 0) + i === a.selected;
        return (
          <Text key={p.id} wrap="truncate" inverse={chosen}>
            {chosen ? '> ' : '  '}
            {appPasswordLine(p)}
          </Text>
        );
      })}
      {a.info ? <Text color="green">{a.info}</Text> : null}
      <Text dimColor>Up/Down choose · r logs the chosen one out (or revokes the app password) · o logs out everywhere else · Esc closes</Text>
    </>
  );
}
