import { Password, ProtocolError } from '@open-discord/protocol';
import type { Intent } from '../keys/intents.js';
import type { AccountField } from '../state/account/account.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/** The account screens' requests: /2fa (status, enable, disable), /password and /sessions. */
export interface Account {
  /** `/2fa [status|enable|disable]`. */
  twoFactor(action: string | undefined): void;
  password(): void;
  sessions(): void;
  /** A key while an account screen is open. */
  key(intent: Intent): void;
}

const codeOf = (e: unknown) => (e instanceof ProtocolError ? e.code : undefined);

export function attachAccount(ctx: ControllerContext): Account {
  const { client, store } = ctx;
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text, roomId: null });
  const failed = (error: string, extra: { field?: AccountField['name']; addCode?: boolean } = {}) =>
    dispatch({ type: 'account/failed', error, ...extra });

  const loadSessions = (info?: string) =>
    client.request('sessions.list', {}).then(
      (r) => dispatch({ type: 'account/sessions-loaded', sessions: r.sessions, ...(info && { info }) }),
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
    if ((intent.kind === 'insert' && intent.text === 'r') || intent.kind === 'delete' || intent.kind === 'backspace') {
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
        (r) => loadSessions(`logged out ${r.revoked} other session${r.revoked === 1 ? '' : 's'}`),
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

  return {
    twoFactor,
    password: () => dispatch({ type: 'account/form', purpose: 'password' }),
    sessions: () => {
      dispatch({ type: 'account/sessions' });
      void loadSessions();
    },
    key,
  };
}
