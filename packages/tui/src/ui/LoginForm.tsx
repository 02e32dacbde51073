import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { resolveKey } from '../keys/keymap.js';

export interface LoginValues {
  url: string;
  mode: 'login' | 'signup';
  username: string;
  password: string;
  invite?: string;
  nickname?: string;
}

export interface LoginFormProps {
  initialUrl?: string;
  /** Rejects with an Error whose message is shown; the form stays up for another try. */
  onSubmit: (values: LoginValues) => Promise<void>;
  onCancel: () => void;
}

type Field = 'url' | 'mode' | 'username' | 'password' | 'invite' | 'nickname';

const LABELS: Record<Field, string> = {
  url: 'Server URL',
  mode: 'Log in or sign up',
  username: 'Username',
  password: 'Password',
  invite: 'Invite code (empty if the server is open)',
  nickname: 'Nickname (empty = username)',
};

function fieldsFor(mode: 'login' | 'signup', askUrl: boolean): Field[] {
  const base: Field[] = [...(askUrl ? (['url'] as Field[]) : []), 'mode', 'username', 'password'];
  return mode === 'signup' ? [...base, 'invite', 'nickname'] : base;
}

/** First run: server URL, then log in or sign up. Passwords are never echoed (not even as a length hint). */
export function LoginForm({ initialUrl, onSubmit, onCancel }: LoginFormProps) {
  const [values, setValues] = useState<Record<Field, string>>({
    url: initialUrl ?? 'http://',
    mode: 'login',
    username: '',
    password: '',
    invite: '',
    nickname: '',
  });
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mode = values.mode === 'signup' ? 'signup' : 'login';
  const fields = fieldsFor(mode, initialUrl === undefined);
  const field = fields[Math.min(step, fields.length - 1)]!;

  const submit = () => {
    setBusy(true);
    setError(null);
    const v: LoginValues = { url: values.url.trim(), mode, username: values.username.trim(), password: values.password };
    if (mode === 'signup' && values.invite.trim()) v.invite = values.invite.trim();
    if (mode === 'signup' && values.nickname.trim()) v.nickname = values.nickname.trim();
    onSubmit(v).catch((e: unknown) => {
      setBusy(false);
      setError(e instanceof Error ? e.message : String(e));
      // Back to the password: the most likely thing to retype.
      setValues((old) => ({ ...old, password: '' }));
      setStep(fields.indexOf('password'));
    });
  };

  useInput((input, key) => {
    if (busy) return;
    const intent = resolveKey(input, key, 'form');
    if (!intent) return;
    if (intent.kind === 'quit') return onCancel();
    if (intent.kind === 'close') return step > 0 ? setStep(step - 1) : onCancel();
    if (field === 'mode') {
      if (intent.kind === 'insert' && /^[ls]$/i.test(intent.text)) {
        setValues({ ...values, mode: intent.text.toLowerCase() === 's' ? 'signup' : 'login' });
        return setStep(step + 1);
      }
      if (intent.kind === 'complete' || intent.kind === 'history' || intent.kind === 'move') {
        return setValues({ ...values, mode: mode === 'login' ? 'signup' : 'login' });
      }
      if (intent.kind === 'submit') return setStep(step + 1);
      return;
    }
    if (intent.kind === 'submit') {
      if (field === 'url' && !/^(https?|wss?):\/\/[^/]+/.test(values.url.trim())) return setError('enter a URL like http://host:port');
      if ((field === 'username' || field === 'password') && !values[field]) return setError(`${LABELS[field]} is required`);
      setError(null);
      return step >= fields.length - 1 ? submit() : setStep(step + 1);
    }
    if (intent.kind === 'insert' || intent.kind === 'paste') {
      return setValues({ ...values, [field]: values[field] + intent.text.replace(/[\r\n]/g, '') });
    }
    if (intent.kind === 'backspace') return setValues({ ...values, [field]: values[field].slice(0, -1) });
    if (intent.kind === 'kill') return setValues({ ...values, [field]: '' });
  });

  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={64}>
      <Text bold color="cyan">
        od — connect to a server
      </Text>
      {fields.map((f, i) => {
        if (i > step) return null;
        const current = i === step;
        const shown =
          f === 'password'
            ? current
              ? '(hidden)'
              : '********'
            : f === 'mode'
              ? current
                ? `${mode === 'login' ? '[log in]  sign up ' : ' log in  [sign up]'}   (l / s, Tab toggles)`
                : mode === 'login'
                  ? 'log in'
                  : 'sign up'
              : values[f];
        return (
          <Text key={f} wrap="truncate">
            <Text color={current ? 'cyan' : undefined} dimColor={!current}>
              {LABELS[f]}:{' '}
            </Text>
            {shown}
            {current && f !== 'mode' && !busy ? <Text inverse> </Text> : null}
          </Text>
        );
      })}
      {busy ? <Text color="yellow">{mode === 'login' ? 'logging in…' : 'signing up…'}</Text> : null}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>Enter next · Esc back · Ctrl+C quit</Text>
    </Box>
  );
}
