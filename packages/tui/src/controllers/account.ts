import { type MessageFate, Password, ProtocolError } from '@open-discord/protocol';
import { auditLines } from '../state/account/audit-lines.js';
import type { Intent } from '../keys/intents.js';
import type { AccountField } from '../state/account/account.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/** The account screens' requests: /2fa (status, enable, disable), /password, /sessions, /account and /audit. */
export interface Account {
  /** `/account export [FILE]` or `/account delete [keep|erase]`. */
  account(action: string, arg: string | undefined): void;
  /** `/audit`: the audit log, for admins. */
  audit(): void;
  /** `/2fa [status|enable|disable]`. */
  twoFactor(action: string | undefined): void;
  password(): void;
  sessions(): void;
  /** A key while an account screen is open. */
  key(intent: Intent): void;
}

const codeOf = (e: unknown) => (e instanceof ProtocolError ? e.code : undefined);

/** Writes the data export archive (`od export`'s), reporting progress; answers a summary line. */
export type ExportAccount = (out: string | undefined, progress: (text: string) => void) => Promise<string>;

export function attachAccount(ctx: ControllerContext, exportAccount?: ExportAccount, onDeleted?: () => void): Account {
  const { client, store } = ctx;
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text, roomId: null });
  const failed = (error: string, extra: { field?: AccountField['name']; addCode?: boolean } = {}) =>
    dispatch({ type: 'account/failed', error, ...extra });

  const loadSessions = (info?: string) =>
    client.request('sessions.list', {}).then(
      (r) => dispatch({ type: 'account/sessions-loaded', sessions: r.sessions, appPasswords: r.appPasswords, ...(info && { info }) }),
      (e: unknown) => failed(describeError(e)),
    );

  const twoFactor = (action: string | undefined) => {
    if (action === 'enable') {
      dispatch({ type: 'account/enrol' });
      client.request('twofa.setup', {}).then(
        (r) => dispatch({ type: 'account/enrol-ready', secret: r.secret, uri: r.uri }),
        (e: unknown) => {
          dispatch({ type: 'account/close' });
          flash('error', `/2fa enable: ${describeError(e)}`);
        },
      );
      return;
    }
    if (action === 'disable') return dispatch({ type: 'account/form', purpose: 'disable' });
    if (action !== undefined && action !== 'status') return flash('error', '/2fa: status, enable or disable');
    client.request('twofa.status', {}).then(
      (s) =>
        flash(
          s.required && !s.enabled ? 'error' : 'info',
          s.enabled
            ? `two-factor login is on (${s.recoveryCodesLeft} recovery code${s.recoveryCodesLeft === 1 ? '' : 's'} left); /2fa disable turns it off`
            : s.required
              ? 'two-factor login is off, and your role requires it: /2fa enable turns it on (until then you can read but not write)'
              : 'two-factor login is off; /2fa enable turns it on',
        ),
      (e: unknown) => flash('error', `/2fa: ${describeError(e)}`),
    );
  };

  /** Enter in a form: check the field here, move on, or send the form from its last field. */
  const submitForm = () => {
    const a = store.getState().account;
    if (a?.kind !== 'form') return;
    const field = a.fields[a.step]!;
    const value = a.values[field.name] ?? '';
    if (!value.trim()) return failed(`${field.label} is required`, { field: field.name });
    if (field.name === 'new') {
      const r = Password.safeParse(value);
      if (!r.success) return failed(r.error.issues[0]?.message ?? 'password not accepted', { field: 'new' });
    }
    if (field.name === 'again' && value !== a.values.new) return failed('the two passwords differ: type the new one again', { field: 'again' });
    if (a.step < a.fields.length - 1) return dispatch({ type: 'account/next' });
    dispatch({ type: 'account/busy' });
    const v = a.values;
    if (a.purpose === 'delete') {
      client.request('account.delete', { password: v.password ?? '', ...(v.code && { code: v.code }), ...(a.messages && { messages: a.messages }) }).then(
        (r) => {
          dispatch({ type: 'account/close' });
          // The server closes this connection right after answering; the connection line says so.
          flash('info', `your account was deleted; your messages in shared rooms were ${r.messages === 'erase' ? 'erased' : 'kept under "deleted user"'}`);
          onDeleted?.();
        },
        (e: unknown) => {
          const code = codeOf(e);
          const text = describeError(e);
          if (code === 'CODE_REQUIRED') return failed('this account has two-factor login: enter the code', { field: 'code', addCode: true });
          if (/two-factor/.test(text)) return failed(text, { field: 'code' });
          failed(text, { field: 'password' });
        },
      );
      return;
    }
    if (a.purpose === 'disable') {
      client.request('twofa.disable', { password: v.password ?? '', code: v.code ?? '' }).then(
        () => {
          dispatch({ type: 'account/close' });
          flash('info', 'two-factor login is off');
        },
        (e: unknown) => failed(describeError(e), { field: /password/.test(describeError(e)) ? 'password' : 'code' }),
      );
      return;
    }
    client.request('password.change', { current: v.current ?? '', password: v.new ?? '', ...(v.code && { code: v.code }) }).then(
      () => {
        dispatch({ type: 'account/close' });
        flash('info', 'password changed; your other sessions were logged out');
      },
      (e: unknown) => {
        const code = codeOf(e);
        const text = describeError(e);
        if (code === 'CODE_REQUIRED') return failed('this account has two-factor login: enter the code', { field: 'code', addCode: true });
        if (/two-factor/.test(text)) return failed(text, { field: 'code' });
        if (code === 'BAD_REQUEST') return failed(text, { field: 'new' });
        failed(text, { field: 'current' });
      },
    );
  };

  const enrolSubmit = () => {
    const a = store.getState().account;
    if (a?.kind !== 'enrol') return;
    if (a.recoveryCodes) return dispatch({ type: 'account/close' });
    if (!a.secret) return;
    if (!a.code.trim()) return failed('enter the six digits your authenticator app shows');
    dispatch({ type: 'account/busy' });
    client.request('twofa.enable', { code: a.code.trim() }).then(
      (r) => dispatch({ type: 'account/enrolled', recoveryCodes: r.recoveryCodes }),
      (e: unknown) => failed(`${describeError(e)}: check the phone's clock, then try the next code`),
    );
  };

  const sessionsKey = (intent: Intent) => {
    const a = store.getState().account;
    if (a?.kind !== 'sessions' || !a.sessions) return;
    if (intent.kind === 'history') return dispatch({ type: 'account/move', delta: intent.delta });
    if (intent.kind === 'submit') return dispatch({ type: 'account/close' });
    const chosen = a.sessions[a.selected];
    // Past the sessions, the app passwords: revoked the same way.
    const app = chosen ? undefined : a.appPasswords[a.selected - a.sessions.length];
    if ((intent.kind === 'insert' && intent.text === 'r') || intent.kind === 'delete' || intent.kind === 'backspace') {
      if (app) {
        dispatch({ type: 'account/busy' });
        client.request('apppassword.revoke', { appPasswordId: app.id }).then(
          () => loadSessions(`revoked the app password ${app.name}`),
          (e: unknown) => failed(describeError(e)),
        );
        return;
      }
      if (!chosen) return;
      if (chosen.current) return failed('that is this session: /quit and `od logout` end it');
      dispatch({ type: 'account/busy' });
      client.request('sessions.revoke', { sessionId: chosen.id }).then(
        () => loadSessions(`logged out ${chosen.client} (${chosen.address || 'unknown address'})`),
        (e: unknown) => failed(describeError(e)),
      );
      return;
    }
    if (intent.kind === 'insert' && intent.text === 'o') {
      dispatch({ type: 'account/busy' });
      client.request('sessions.revokeOthers', {}).then(
        (r) => loadSessions(`logged out ${r.revoked} other session${r.revoked === 1 ? '' : 's'} (app passwords included)`),
        (e: unknown) => failed(describeError(e)),
      );
    }
  };

  const key = (intent: Intent) => {
    const a = store.getState().account;
    if (intent.kind === 'close' || !a) return dispatch({ type: 'account/close' });
    if (a.busy) return;
    if (a.kind === 'sessions') return sessionsKey(intent);
    if (intent.kind === 'submit') return a.kind === 'form' ? submitForm() : enrolSubmit();
    if (intent.kind === 'insert' || intent.kind === 'paste') return dispatch({ type: 'account/edit', op: 'insert', text: intent.text });
    if (intent.kind === 'backspace') return dispatch({ type: 'account/edit', op: 'backspace' });
    if (intent.kind === 'kill') return dispatch({ type: 'account/edit', op: 'kill' });
  };

  const account = (action: string, arg: string | undefined) => {
    if (action === 'export') {
      if (!exportAccount) return flash('error', '/account export: this od cannot write files');
      flash('info', 'exporting your data…');
      exportAccount(arg?.trim() || undefined, (text) => {
        const line = text.replace(/[\r\n]/g, '').trim();
        if (line) flash('info', `exporting: ${line}`);
      }).then(
        (summary) => flash('info', summary),
        (e: unknown) => flash('error', `/account export: ${describeError(e)}`),
      );
      return;
    }
    if (action === 'delete') {
      const choice = arg?.trim().toLowerCase();
      if (choice && choice !== 'keep' && choice !== 'erase') return flash('error', '/account delete keep (your messages stay, under "deleted user") or erase (they go)');
      return dispatch({ type: 'account/form', purpose: 'delete', ...(choice && { messages: choice as MessageFate }) });
    }
    flash('error', '/account: export [FILE] or delete [keep|erase]');
  };

  const audit = () => {
    client.request('audit.list', {}).then(
      (r) => dispatch({ type: 'overlay/help', title: 'audit log', lines: auditLines(r.entries, store.getState().world) }),
      (e: unknown) => flash('error', `/audit: ${describeError(e)}`),
    );
  };

  return {
    account,
    audit,
    twoFactor,
    password: () => dispatch({ type: 'account/form', purpose: 'password' }),
    sessions: () => {
      dispatch({ type: 'account/sessions' });
      void loadSessions();
    },
    key,
  };
}
