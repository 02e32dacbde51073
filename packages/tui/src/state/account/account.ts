import type { AppPasswordInfo, MessageFate, SessionInfo } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';

/*
 * The account screens (/2fa, /password, /sessions, /account delete) as a pure reducer: what is typed, which field has the
 * keys, what the server answered. The account controller sends the requests and reports back here. Secrets
 * typed here (passwords, codes) and the recovery codes leave the state when the screen closes.
 */

export interface AccountField {
  name: 'password' | 'current' | 'new' | 'again' | 'code';
  label: string;
  /** Passwords are never drawn, not even as a length. */
  hidden: boolean;
}

interface Common {
  /** The last refusal, shown under the field it is about. */
  error: string | null;
  /** A request is in flight: keys other than Esc wait. */
  busy: boolean;
}

export type AccountScreen = Common &
  (
    | {
        kind: 'enrol';
        /** Null until twofa.setup answered. */
        secret: string | null;
        uri: string | null;
        code: string;
        /** Shown once, after the code was accepted. */
        recoveryCodes: string[] | null;
      }
    | {
        kind: 'form';
        purpose: FormPurpose;
        fields: AccountField[];
        step: number;
        values: Partial<Record<AccountField['name'], string>>;
        /** Deleting: what the user chose for their messages (none: the server's default). */
        messages?: MessageFate;
      }
    | {
        kind: 'sessions';
        sessions: SessionInfo[] | null;
        /** Listed after the sessions, and chosen the same way (`selected` counts past the sessions into them). */
        appPasswords: AppPasswordInfo[];
        selected: number;
        info: string | null;
      }
  );

export type AccountAction =
  | { type: 'account/enrol' }
  | { type: 'account/enrol-ready'; secret: string; uri: string }
  | { type: 'account/enrolled'; recoveryCodes: string[] }
  | { type: 'account/form'; purpose: FormPurpose; messages?: MessageFate }
  | { type: 'account/sessions' }
  | { type: 'account/sessions-loaded'; sessions: SessionInfo[]; appPasswords: AppPasswordInfo[]; info?: string }
  | { type: 'account/edit'; op: 'insert'; text: string }
  | { type: 'account/edit'; op: 'backspace' | 'kill' }
  /** Form: on to the next field (the controller checked this one). */
  | { type: 'account/next' }
  | { type: 'account/move'; delta: 1 | -1 }
  | { type: 'account/busy' }
  /** A refusal; `field` (a form's) is emptied and gets the keys again, `addCode` adds the code field first. */
  | { type: 'account/failed'; error: string; field?: AccountField['name']; addCode?: boolean }
  | { type: 'account/close' };

const CODE_FIELD: AccountField = { name: 'code', label: 'Two-factor code (or a recovery code)', hidden: false };
/** The forms: turn two-factor login off, change the password, delete the account. */
export type FormPurpose = 'disable' | 'password' | 'delete';

export const FORM_FIELDS: Record<FormPurpose, AccountField[]> = {
  // Like the password change, the code field is added when the server asks for one.
  delete: [{ name: 'password', label: 'Password', hidden: true }],
  disable: [{ name: 'password', label: 'Password', hidden: true }, CODE_FIELD],
  // The code field is added when the server says the account needs one.
  password: [
    { name: 'current', label: 'Current password', hidden: true },
    { name: 'new', label: 'New password', hidden: true },
    { name: 'again', label: 'New password again', hidden: true },
  ],
};

const idle = { error: null, busy: false } as const;

/** The focused field of a form, or the enrolment code. */
export function focusedField(a: AccountScreen): AccountField | null {
  if (a.kind === 'form') return a.fields[a.step] ?? null;
  if (a.kind === 'enrol' && a.secret !== null && a.recoveryCodes === null) return CODE_FIELD;
  return null;
}

function edit(text: string, action: Extract<AccountAction, { type: 'account/edit' }>): string {
  if (action.op === 'insert') return text + action.text.replace(/[\r\n]/g, '');
  if (action.op === 'backspace') return [...text].slice(0, -1).join('');
  return '';
}

export function accountReducer(state: AppState, action: AccountAction): AppState {
  const a = state.account;
  const set = (account: AccountScreen | null): AppState => ({ ...state, account, overlay: account ? { kind: 'account' } : null });
  switch (action.type) {
    case 'account/enrol':
      return set({ kind: 'enrol', secret: null, uri: null, code: '', recoveryCodes: null, ...idle, busy: true });
    case 'account/form':
      return set({
        kind: 'form',
        purpose: action.purpose,
        fields: FORM_FIELDS[action.purpose],
        step: 0,
        values: {},
        ...(action.messages && { messages: action.messages }),
        ...idle,
      });
    case 'account/sessions':
      return set({ kind: 'sessions', sessions: null, appPasswords: [], selected: 0, info: null, ...idle, busy: true });
    case 'account/close':
      return state.overlay?.kind === 'account' || a ? set(null) : state;
  }
  if (!a) return state;
  switch (action.type) {
    case 'account/enrol-ready':
      return a.kind === 'enrol' ? set({ ...a, secret: action.secret, uri: action.uri, ...idle }) : state;
    case 'account/enrolled':
      return a.kind === 'enrol' ? set({ ...a, code: '', recoveryCodes: action.recoveryCodes, ...idle }) : state;
    case 'account/sessions-loaded': {
      if (a.kind !== 'sessions') return state;
      const selected = Math.min(a.selected, Math.max(0, action.sessions.length + action.appPasswords.length - 1));
      return set({ ...a, sessions: action.sessions, appPasswords: action.appPasswords, selected, info: action.info ?? null, ...idle });
    }
    case 'account/edit': {
      if (a.busy) return state;
      if (a.kind === 'enrol' && focusedField(a)) return set({ ...a, code: edit(a.code, action) });
      if (a.kind === 'form') {
        const f = a.fields[a.step]!;
        return set({ ...a, values: { ...a.values, [f.name]: edit(a.values[f.name] ?? '', action) } });
      }
      return state;
    }
    case 'account/next':
      return a.kind === 'form' && a.step < a.fields.length - 1 ? set({ ...a, step: a.step + 1, error: null }) : state;
    case 'account/move': {
      if (a.kind !== 'sessions' || !a.sessions) return state;
      const n = a.sessions.length + a.appPasswords.length;
      if (n === 0) return state;
      return set({ ...a, selected: (a.selected + action.delta + n) % n });
    }
    case 'account/busy':
      return set({ ...a, busy: true, error: null });
    case 'account/failed': {
      if (a.kind === 'enrol') return set({ ...a, code: '', busy: false, error: action.error });
      if (a.kind === 'sessions') return set({ ...a, busy: false, error: action.error });
      const fields = action.addCode && !a.fields.some((f) => f.name === 'code') ? [...a.fields, CODE_FIELD] : a.fields;
      const name = action.field ?? fields[a.step]!.name;
      const step = Math.max(0, fields.findIndex((f) => f.name === name));
      // A refused secret is retyped from empty; a mismatched new password starts the pair over.
      const cleared = name === 'again' ? { new: '', again: '' } : { [name]: '' };
      const values = { ...a.values, ...cleared };
      return set({ ...a, fields, step: name === 'again' ? fields.findIndex((f) => f.name === 'new') : step, values, busy: false, error: action.error });
    }
  }
  return state;
}

/** Group a base32 secret in fours, as authenticator apps show it, so it can be typed. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
