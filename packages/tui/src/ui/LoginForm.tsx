import { checkInvite, checkServer, ProtocolError } from '@open-discord/protocol';
import { Box, Text, useInput } from 'ink';
import { useEffect, useReducer } from 'react';
import { resolveInput } from '../keys/keymap.js';
import { fieldsOf, initialLoginForm, LABELS, loginReducer, withScheme, type LoginField, type LoginMode, type LoginValues } from '../state/login/form.js';

export type { LoginValues } from '../state/login/form.js';

export interface LoginFormProps {
  initialUrl?: string;
  /** Start in this mode (`od reset-password` starts in reset). */
  initialMode?: LoginMode;
  /** Rejects with an Error whose message is shown by the field it is about; the form stays up for another try. */
  onSubmit: (values: LoginValues) => Promise<void>;
  onCancel: () => void;
  /** Is a server answering at this URL? Rejects with the reason (default: GET /healthz). */
  checkUrl?: (url: string) => Promise<unknown>;
  /** Would this invite admit a sign-up at this URL? Rejects with the reason (default: POST /api/invite-check). */
  checkInviteCode?: (url: string, invite: string) => Promise<unknown>;
}

const MODE_NAMES: Record<LoginMode, string> = { login: 'log in', signup: 'sign up', reset: 'reset password with a code' };

function modeChooser(mode: LoginMode): string {
  const opt = (m: LoginMode, label: string) => (m === mode ? `[${label}]` : ` ${label} `);
  return `${opt('login', 'log in')} ${opt('signup', 'sign up')} ${opt('reset', 'reset password')}  (l / s / r, Tab)`;
}

/**
 * First run: server URL, then log in, sign up, or reset a password with a code. The state is a pure reducer
 * (state/login/form.ts) fed every key in order; this component draws it and runs its two effects (the URL
 * check and the submission). Passwords are never echoed, not even as a length hint.
 */
export function LoginForm({ initialUrl, initialMode, onSubmit, onCancel, checkUrl = checkServer, checkInviteCode = checkInvite }: LoginFormProps) {
  const [state, dispatch] = useReducer(loginReducer, undefined, () => initialLoginForm(initialUrl, initialMode));

  useInput((input, key) => {
    dispatch({ type: 'keys', intents: resolveInput(input, key, 'form') });
  });

  const checking = state.urlCheck?.state === 'checking' ? state.urlCheck.url : null;
  useEffect(() => {
    if (!checking) return;
    checkUrl(checking).then(
      () => dispatch({ type: 'url-checked', url: checking, error: null }),
      (e: unknown) => dispatch({ type: 'url-checked', url: checking, error: e instanceof Error ? e.message : String(e) }),
    );
  }, [checking, checkUrl]);

  const invite = state.inviteCheck?.state === 'checking' ? state.inviteCheck.invite : null;
  useEffect(() => {
    if (!invite) return;
    checkInviteCode(withScheme(state.values.url), invite).then(
      () => dispatch({ type: 'invite-checked', invite, error: null }),
      (e: unknown) => dispatch({ type: 'invite-checked', invite, error: e instanceof Error ? e.message : String(e) }),
    );
  }, [invite, checkInviteCode]); // eslint-disable-line react-hooks/exhaustive-deps -- the URL is fixed by then

  const busy = state.busy;
  useEffect(() => {
    if (!busy) return;
    onSubmit(busy.values).catch((e: unknown) =>
      dispatch({ type: 'failed', id: busy.id, error: e instanceof Error ? e.message : String(e), ...(e instanceof ProtocolError && { code: e.code }) }),
    );
  }, [busy?.id]); // eslint-disable-line react-hooks/exhaustive-deps -- one submission per id

  useEffect(() => {
    if (state.cancelled) onCancel();
  }, [state.cancelled]); // eslint-disable-line react-hooks/exhaustive-deps

  const fields = fieldsOf(state);
  const shownValue = (f: LoginField, current: boolean): string => {
    if (f === 'password' || f === 'password2') return current ? '(hidden)' : '********';
    if (f === 'mode') return current ? modeChooser(state.mode) : MODE_NAMES[state.mode];
    return state.values[f];
  };
  const label = (f: LoginField) => (f === 'password' && state.mode === 'reset' ? 'New password' : LABELS[f]);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={72}>
      <Text bold color="cyan">
        od — connect to a server
      </Text>
      {fields.map((f, i) => {
        if (i > state.step) return null;
        const current = i === state.step;
        const error = state.errors[f];
        const check = f === 'url' && state.urlCheck && state.urlCheck.url === withScheme(state.values.url) ? state.urlCheck : null;
        const inviteCheck = f === 'invite' && state.inviteCheck && state.inviteCheck.invite === state.values.invite.trim() ? state.inviteCheck : null;
        // The mode's choices get a line of their own: beside the label they would not fit.
        const chooser = f === 'mode' && current;
        return (
          <Box key={f} flexDirection="column">
            <Text wrap="truncate">
              <Text color={current ? 'cyan' : undefined} dimColor={!current}>
                {label(f)}:{' '}
              </Text>
              {chooser ? null : shownValue(f, current)}
              {current && f !== 'mode' && !busy ? <Text inverse> </Text> : null}
            </Text>
            {chooser ? <Text wrap="truncate">  {shownValue(f, current)}</Text> : null}
            {check?.state === 'checking' ? <Text dimColor>  checking the server…</Text> : null}
            {check?.state === 'ok' ? <Text color="green">  ✓ an od server answers</Text> : null}
            {check?.state === 'failed' ? <Text color="red">  ✗ {check.error}</Text> : null}
            {inviteCheck?.state === 'ok' ? <Text color="green">  ✓ the invite is valid</Text> : null}
            {inviteCheck?.state === 'failed' && !error ? <Text color="red">  ✗ {inviteCheck.error}</Text> : null}
            {error ? <Text color="red">  {error}</Text> : null}
          </Box>
        );
      })}
      {fields[state.step] === 'nickname' && !busy ? <Text dimColor>Others see this; your username is only for logging in.</Text> : null}
      {fields[state.step] === 'code' && !busy ? <Text dimColor>The server admin prints one with: od-server user reset-password USERNAME</Text> : null}
      {fields[state.step] === 'totp' && !busy ? <Text dimColor>Lost your authenticator? Type one of your recovery codes (xxxxx-xxxxx).</Text> : null}
      {busy ? <Text color="yellow">{state.mode === 'login' ? 'logging in…' : state.mode === 'signup' ? 'signing up…' : 'setting the new password…'}</Text> : null}
      <Text dimColor>Enter next · Esc back · Ctrl+C quit</Text>
    </Box>
  );
}
