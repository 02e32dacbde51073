import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { DEFAULT_LOCAL_SERVER } from '../config/default-server.js';
import { resolveInput, type Intent } from '../keys/keymap.js';

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
  nickname: 'Nickname (shown to others)',
};

interface FormState {
  values: Record<Field, string>;
  step: number;
  busy: boolean;
  error: string | null;
}

/** Every field as the form starts it; the URL is pre-filled with the default local server. */
const blank = (initialUrl: string | undefined): Record<Field, string> => ({
  url: initialUrl ?? DEFAULT_LOCAL_SERVER,
  mode: 'login',
  username: '',
  password: '',
  invite: '',
  nickname: '',
});

function fieldsFor(mode: 'login' | 'signup', askUrl: boolean): Field[] {
  const base: Field[] = [...(askUrl ? (['url'] as Field[]) : []), 'mode', 'username', 'password'];
  return mode === 'signup' ? [...base, 'invite', 'nickname'] : base;
}

/** First run: server URL, then log in or sign up. Passwords are never echoed (not even as a length hint). */
export function LoginForm({ initialUrl, onSubmit, onCancel }: LoginFormProps) {
  /*
   * Form state lives in a ref updated synchronously: several keys can arrive in one input chunk (a paste, or a
   * fast typist over ssh), and each must see the field the previous one moved to, not a stale render's.
   */
  const form = useRef<FormState>({
    values: blank(initialUrl),
    step: 0,
    busy: false,
    error: null,
  });
  const [, rerender] = useState(0);
  const update = (patch: Partial<FormState>) => {
    form.current = { ...form.current, ...patch };
    rerender((n) => n + 1);
  };
  const setValue = (f: Field, v: string) => update({ values: { ...form.current.values, [f]: v } });
  const askUrl = initialUrl === undefined;
  const current = () => {
    const { values, step } = form.current;
    const mode: 'login' | 'signup' = values.mode === 'signup' ? 'signup' : 'login';
    const fields = fieldsFor(mode, askUrl);
    return { values, step, mode, fields, field: fields[Math.min(step, fields.length - 1)]! };
  };

  const submit = () => {
    const { values, mode, fields } = current();
    update({ busy: true, error: null });
    const v: LoginValues = { url: values.url.trim(), mode, username: values.username.trim(), password: values.password };
    if (mode === 'signup' && values.invite.trim()) v.invite = values.invite.trim();
    if (mode === 'signup') v.nickname = values.nickname.trim();
    onSubmit(v).catch((e: unknown) => {
      // Back to the password: the most likely thing to retype.
      update({
        busy: false,
        error: e instanceof Error ? e.message : String(e),
        values: { ...form.current.values, password: '' },
        step: fields.indexOf('password'),
      });
    });
  };

  const apply = (intent: Intent): void => {
    if (form.current.busy) return;
    const { values, step, mode, fields, field } = current();
    if (intent.kind === 'paste') {
      // Keys that arrived together ("name⏎pass⏎"): each line is typed, each line break is Enter.
      intent.text.split('\n').forEach((part, i) => {
        if (i > 0) apply({ kind: 'submit' });
        if (part) apply({ kind: 'insert', text: part });
      });
      return;
    }
    if (intent.kind === 'quit') return onCancel();
    if (intent.kind === 'close') {
      if (step === 0) return onCancel();
      // Back clears the field left and the one returned to, so typing it again never appends (`davedave`).
      const back = fields[step - 1]!;
      const initial = blank(initialUrl);
      const cleared = { ...values, [field]: initial[field], [back]: initial[back], mode: values.mode };
      return update({ step: step - 1, values: cleared, error: null });
    }
    if (field === 'mode') {
      if (intent.kind === 'insert' && /^[ls]$/i.test(intent.text)) {
        return update({ values: { ...values, mode: intent.text.toLowerCase() === 's' ? 'signup' : 'login' }, step: step + 1 });
      }
      if (intent.kind === 'complete' || intent.kind === 'history' || intent.kind === 'move') {
        return setValue('mode', mode === 'login' ? 'signup' : 'login');
      }
      if (intent.kind === 'submit') return update({ step: step + 1 });
      return;
    }
    if (intent.kind === 'submit') {
      if (field === 'url' && !/^(https?|wss?):\/\/[^/]+/.test(values.url.trim())) return update({ error: 'enter a URL like http://host:port' });
      if ((field === 'username' || field === 'password') && !values[field]) return update({ error: `${LABELS[field]} is required` });
      // Sign-up asks for the nickname outright: the username is for logging in and is never shown to anyone.
      if (field === 'nickname' && !values.nickname.trim()) return update({ error: 'a nickname is required: it is what others see' });
      if (step >= fields.length - 1) return submit();
      return update({ error: null, step: step + 1 });
    }
    if (intent.kind === 'insert') return setValue(field, values[field] + intent.text);
    if (intent.kind === 'backspace') return setValue(field, values[field].slice(0, -1));
    if (intent.kind === 'kill') return setValue(field, '');
  };

  useInput((input, key) => {
    for (const intent of resolveInput(input, key, 'form')) apply(intent);
  });

  const { values, step, mode, fields } = current();
  const { busy, error } = form.current;
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
      {fields[step] === 'nickname' && !busy ? (
        <Text dimColor>Others see this; your username is only for logging in.</Text>
      ) : null}
      {busy ? <Text color="yellow">{mode === 'login' ? 'logging in…' : 'signing up…'}</Text> : null}
      {error ? <Text color="red">{error}</Text> : null}
      <Text dimColor>Enter next · Esc back · Ctrl+C quit</Text>
    </Box>
  );
}
