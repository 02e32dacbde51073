import { LIMITS, Password, Username } from '@open-discord/protocol';
import type { Intent } from '../../keys/intents.js';
import { DEFAULT_LOCAL_SERVER } from '../../config/default-server.js';

/** `host:port` typed without a scheme means plain http, as in a browser's address bar. */
export function withScheme(url: string): string {
  const u = url.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `http://${u}`;
}

/*
 * The login form as a pure reducer. Every key goes through `loginReducer` in order, with the state the
 * previous key left behind: a typed-ahead or pasted "s⏎alice⏎secret⏎" lands field by field, never in a stale
 * field. The form never waits on the network between keys: the server check after the URL runs beside the
 * typing and reports next to the URL, and keys that arrive while a submission is in flight are kept.
 */

export type LoginMode = 'login' | 'signup' | 'reset';
export type LoginField = 'url' | 'mode' | 'username' | 'code' | 'password' | 'password2' | 'invite' | 'nickname' | 'totp';
type TextField = Exclude<LoginField, 'mode'>;

/** What the form hands over: log in, sign up, or set a new password with a reset code (then log in). */
export interface LoginValues {
  url: string;
  mode: LoginMode;
  username: string;
  password: string;
  invite?: string;
  nickname?: string;
  /** reset: the one-time code from `od-server user reset-password`. */
  code?: string;
  /** login: the two-factor code, once the server asked for one. */
  totp?: string;
}

export interface LoginFormState {
  askUrl: boolean;
  mode: LoginMode;
  /** The server said this account needs a two-factor code (CODE_REQUIRED): the form asks for it after the password. */
  needsCode: boolean;
  values: Record<TextField, string>;
  step: number;
  /** The field's text was there before (Esc back to it): the first key typed replaces it, like a selection. */
  replaceOnType: boolean;
  /** Errors shown right after the field they are about. */
  errors: Partial<Record<LoginField, string>>;
  /** The server check for the URL: runs while the rest is typed (advisory: the submission says the last word). */
  urlCheck: { url: string; state: 'checking' | 'ok' | 'failed'; error?: string } | null;
  /** The same for the invite code, right after its field (advisory too: the sign-up decides). */
  inviteCheck: { invite: string; state: 'checking' | 'ok' | 'failed'; error?: string } | null;
  /** The submission in flight (the caller runs it and reports back with its id). */
  busy: { id: number; values: LoginValues } | null;
  /** Keys typed while busy: replayed into the password field if the server sends the form back there. */
  typeahead: Intent[];
  seq: number;
  cancelled: boolean;
}

export type LoginAction =
  | { type: 'keys'; intents: Intent[] }
  | { type: 'url-checked'; url: string; error: string | null }
  | { type: 'invite-checked'; invite: string; error: string | null }
  /** The submission failed; `code` is the ProtocolError code when there is one, to pick the field to blame. */
  | { type: 'failed'; id: number; error: string; code?: string };

/** The first-run URL prompt offers the local server (Enter takes it; typing replaces it). */
export const DEFAULT_URL = DEFAULT_LOCAL_SERVER;

export const LABELS: Record<LoginField, string> = {
  url: 'Server URL',
  mode: 'Log in or sign up (or reset password)',
  username: 'Username',
  code: 'Reset code (from the server admin)',
  password: 'Password',
  password2: 'New password again',
  invite: 'Invite code (empty if the server is open)',
  nickname: 'Nickname (shown to others)',
  totp: 'Two-factor code (authenticator app, or a recovery code)',
};

export function initialLoginForm(initialUrl?: string, mode: LoginMode = 'login'): LoginFormState {
  return {
    askUrl: initialUrl === undefined,
    mode,
    needsCode: false,
    values: { url: initialUrl ?? DEFAULT_URL, username: '', code: '', password: '', password2: '', invite: '', nickname: '', totp: '' },
    step: 0,
    replaceOnType: initialUrl === undefined,
    errors: {},
    urlCheck: null,
    inviteCheck: null,
    busy: null,
    typeahead: [],
    seq: 0,
    cancelled: false,
  };
}

export function fieldsOf(s: Pick<LoginFormState, 'askUrl' | 'mode'> & { needsCode?: boolean }): LoginField[] {
  const head: LoginField[] = [...(s.askUrl ? (['url'] as LoginField[]) : []), 'mode', 'username'];
  // A kicked member rejoining an account with two-factor login is asked for its code too.
  if (s.mode === 'signup') return [...head, 'password', 'invite', 'nickname', ...(s.needsCode ? (['totp'] as LoginField[]) : [])];
  if (s.mode === 'reset') return [...head, 'code', 'password', 'password2'];
  return [...head, 'password', ...(s.needsCode ? (['totp'] as LoginField[]) : [])];
}

export const currentField = (s: LoginFormState): LoginField => {
  const fields = fieldsOf(s);
  return fields[Math.min(s.step, fields.length - 1)]!;
};

const MODE_KEYS: Record<string, LoginMode> = { l: 'login', s: 'signup', r: 'reset' };
const NEXT_MODE: Record<LoginMode, LoginMode> = { login: 'signup', signup: 'reset', reset: 'login' };

/** Why Enter cannot leave this field, or null. Only what is known without the server. */
function fieldError(s: LoginFormState, field: LoginField): string | null {
  const v = field === 'mode' ? '' : s.values[field];
  switch (field) {
    case 'url':
      return /^(https?|wss?):\/\/[^/]+/.test(withScheme(v)) ? null : 'enter a URL like http://host:port';
    case 'username': {
      if (!v.trim()) return 'Username is required';
      if (s.mode === 'login') return null;
      const r = Username.safeParse(v);
      return r.success ? null : `a username is ${LIMITS.usernameMin}–${LIMITS.usernameMax} of a-z 0-9 _ . -`;
    }
    case 'password': {
      if (!v) return 'Password is required';
      if (s.mode === 'login') return null;
      const r = Password.safeParse(v);
      return r.success ? null : (r.error.issues[0]?.message ?? 'password not accepted');
    }
    case 'password2':
      return v === s.values.password ? null : 'the two passwords differ: type the new one again';
    case 'code':
      return v.trim() ? null : 'the reset code is required (od-server user reset-password NAME prints it)';
    case 'totp':
      return v.trim() ? null : 'enter the six digits your authenticator app shows (or a recovery code)';
    case 'nickname':
      // Sign-up asks for the nickname outright: the username is for logging in and is never shown to anyone.
      return v.trim() ? null : 'a nickname is required: it is what others see';
    default:
      return null;
  }
}

function valuesOf(s: LoginFormState): LoginValues {
  const v = s.values;
  const out: LoginValues = { url: withScheme(v.url), mode: s.mode, username: v.username.trim(), password: v.password };
  if (s.mode === 'signup') {
    if (v.invite.trim()) out.invite = v.invite.trim();
    out.nickname = v.nickname.trim();
  }
  if (s.mode === 'reset') out.code = v.code.trim();
  if (s.mode !== 'reset' && s.needsCode) out.totp = v.totp.trim();
  return out;
}

const withoutError = (errors: LoginFormState['errors'], field: LoginField) => {
  if (!(field in errors)) return errors;
  const { [field]: _gone, ...rest } = errors;
  return rest;
};

function setText(s: LoginFormState, field: TextField, text: string): LoginFormState {
  return { ...s, values: { ...s.values, [field]: text }, replaceOnType: false };
}

/**
 * The keys after a refused field were typed before its error could be seen: keeping them would put the next
 * field's text (a password) into this one, in sight. They are set aside, and the error says so.
 */
function setAside(s: LoginFormState): LoginFormState {
  const f = currentField(s);
  const msg = s.errors[f];
  if (!msg || msg.endsWith(SET_ASIDE)) return s;
  return { ...s, errors: { ...s.errors, [f]: msg + SET_ASIDE } };
}
const SET_ASIDE = ' (what was typed after it was set aside)';

/** The outcome of one key: the new state, and whether the keys after it (in the same chunk) must be set aside. */
interface Step {
  state: LoginFormState;
  halt: boolean;
}

function enter(s: LoginFormState): Step {
  const fields = fieldsOf(s);
  const field = currentField(s);
  const error = fieldError(s, field);
  if (error) {
    // A mismatch starts the pair over: the first password is as likely to be the mistyped one.
    if (field === 'password2') {
      return {
        state: { ...s, values: { ...s.values, password: '', password2: '' }, step: fields.indexOf('password'), errors: { ...s.errors, password: error } },
        halt: true,
      };
    }
    return { state: { ...s, errors: { ...s.errors, [field]: error } }, halt: true };
  }
  let next: LoginFormState = { ...s, errors: withoutError(s.errors, field), replaceOnType: false };
  if (field === 'url') {
    const url = withScheme(s.values.url);
    if (s.urlCheck?.url !== url) next = { ...next, urlCheck: { url, state: 'checking' } };
  }
  if (field === 'invite') {
    const invite = s.values.invite.trim();
    if (invite === '') next = { ...next, inviteCheck: null };
    else if (s.inviteCheck?.invite !== invite) next = { ...next, inviteCheck: { invite, state: 'checking' } };
  }
  if (s.step < fields.length - 1) return { state: { ...next, step: s.step + 1 }, halt: false };
  return { state: { ...next, busy: { id: s.seq + 1, values: valuesOf(s) }, seq: s.seq + 1 }, halt: false };
}

function key(s: LoginFormState, intent: Intent): Step {
  const ok = (state: LoginFormState): Step => ({ state, halt: false });
  if (intent.kind === 'quit') return { state: { ...s, cancelled: true }, halt: true };
  if (intent.kind === 'close') {
    if (s.step === 0) return { state: { ...s, cancelled: true }, halt: true };
    return ok({ ...s, step: s.step - 1, replaceOnType: true });
  }
  const field = currentField(s);
  if (intent.kind === 'paste') {
    // Keys that arrived together ("name⏎pass⏎"): each line is typed, each line break is Enter.
    let st = s;
    const parts = intent.text.split('\n');
    for (const [i, part] of parts.entries()) {
      if (i > 0) {
        const r = enter(st);
        if (r.halt) return { state: part || i < parts.length - 1 ? setAside(r.state) : r.state, halt: true };
        st = r.state;
        if (st.busy) return ok(st);
      }
      if (part) {
        const r = key(st, { kind: 'insert', text: part });
        if (r.halt) return { state: i < parts.length - 1 ? setAside(r.state) : r.state, halt: true };
        st = r.state;
      }
    }
    return ok(st);
  }
  if (field === 'mode') {
    if (intent.kind === 'insert') {
      // "salice" typed ahead: the first character picks the mode, the rest is the next field's.
      const mode = MODE_KEYS[intent.text[0]!.toLowerCase()];
      if (!mode) return { state: { ...s, errors: { ...s.errors, mode: 'press l to log in, s to sign up, r to reset a password' } }, halt: true };
      const moved: LoginFormState = { ...s, mode, step: s.step + 1, errors: withoutError(s.errors, 'mode'), replaceOnType: false };
      const rest = intent.text.slice(1);
      return rest ? key(moved, { kind: 'insert', text: rest }) : ok(moved);
    }
    if (intent.kind === 'complete' || intent.kind === 'history' || intent.kind === 'move') return ok({ ...s, mode: NEXT_MODE[s.mode] });
    if (intent.kind === 'submit') return ok({ ...s, step: s.step + 1, errors: withoutError(s.errors, 'mode') });
    return ok(s);
  }
  if (intent.kind === 'submit') return enter(s);
  const current = s.values[field];
  if (intent.kind === 'insert') return ok(setText(s, field, (s.replaceOnType ? '' : current) + intent.text));
  if (intent.kind === 'backspace') return ok(setText(s, field, current.slice(0, -1)));
  if (intent.kind === 'kill') return ok(setText(s, field, ''));
  return ok(s);
}

/** Which field the server's refusal is about: it is shown there, and the form goes back to it. */
function blame(s: LoginFormState, error: string, code: string | undefined): LoginField {
  const fields = fieldsOf(s);
  if (code === 'UNAVAILABLE' && /cannot reach/.test(error) && fields.includes('url')) return 'url';
  if (fields.includes('totp') && /two-factor/.test(error)) return 'totp';
  if (/invite/i.test(error) && fields.includes('invite')) return 'invite';
  if (s.mode === 'reset' && /code/i.test(error)) return 'code';
  if (code === 'CONFLICT' && /nickname/i.test(error) && fields.includes('nickname')) return 'nickname';
  if (code === 'CONFLICT') return 'username';
  return 'password';
}

export function loginReducer(s: LoginFormState, action: LoginAction): LoginFormState {
  switch (action.type) {
    case 'keys': {
      let st = s;
      for (const [i, intent] of action.intents.entries()) {
        if (st.cancelled) return st;
        if (st.busy) return { ...st, typeahead: [...st.typeahead, ...action.intents.slice(i)] };
        const r = key(st, intent);
        st = r.state;
        // The keys after a refused field were typed before its error could be seen: keeping them would put
        // the next field's text (a password) into this one, in sight. They are set aside, and the error says so.
        if (r.halt) return i < action.intents.length - 1 && !st.cancelled ? setAside(st) : st;
      }
      return st;
    }
    case 'invite-checked': {
      if (s.inviteCheck?.invite !== action.invite) return s;
      return { ...s, inviteCheck: action.error ? { invite: action.invite, state: 'failed', error: action.error } : { invite: action.invite, state: 'ok' } };
    }
    case 'url-checked': {
      if (s.urlCheck?.url !== action.url) return s;
      return { ...s, urlCheck: action.error ? { url: action.url, state: 'failed', error: action.error } : { url: action.url, state: 'ok' } };
    }
    case 'failed': {
      if (s.busy?.id !== action.id) return s;
      if (action.code === 'CODE_REQUIRED') return askCode(s);
      const field = blame(s, action.error, action.code);
      const fields = fieldsOf(s);
      const isPassword = field === 'password';
      const cleared: LoginFormState = {
        ...s,
        busy: null,
        typeahead: [],
        step: fields.indexOf(field),
        replaceOnType: !isPassword,
        // The password is the most likely thing to retype; it is never kept after a refusal.
        values: {
          ...s.values,
          password: isPassword ? '' : s.values.password,
          password2: isPassword ? '' : s.values.password2,
          // A refused two-factor code is spent or wrong either way: the next try starts empty.
          totp: field === 'totp' ? '' : s.values.totp,
        },
        errors: { ...s.errors, [field]: action.error },
      };
      // Keys typed while waiting go on into the password (hidden); anywhere else they could show a secret.
      return isPassword && s.typeahead.length > 0 ? loginReducer(cleared, { type: 'keys', intents: s.typeahead }) : cleared;
    }
  }
}

/**
 * The password was right and the account has two-factor login: ask for the code after it, keeping what was
 * typed. A password reset has happened by then (its code is spent), so the form goes on as a login with the
 * new password; a sign-up (a kicked member rejoining) stays one. Keys typed while waiting were the code (people
 * type it as soon as they see the prompt).
 */
function askCode(s: LoginFormState): LoginFormState {
  const asked: LoginFormState = { ...s, mode: s.mode === 'reset' ? 'login' : s.mode, needsCode: true, busy: null, typeahead: [], values: { ...s.values, totp: '' } };
  const at: LoginFormState = {
    ...asked,
    step: fieldsOf(asked).indexOf('totp'),
    replaceOnType: false,
    errors: { ...withoutError(s.errors, 'password'), totp: s.needsCode ? 'a code is needed' : 'this account has two-factor login: enter the code' },
  };
  return s.typeahead.length > 0 ? loginReducer(at, { type: 'keys', intents: s.typeahead }) : at;
}
