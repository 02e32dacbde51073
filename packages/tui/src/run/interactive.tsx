import { writeExport } from './export.js';
import { login, ProtocolError, resetPassword, signup, type TokenPair } from '@open-discord/protocol';
import { render } from 'ink';
import { loadSessions, pickSession, putSession, removeSession, serverNameFor, type SavedSession } from '../config/sessions.js';
import { describeError } from '../controllers/describe-error.js';
import { ConfigError, loadConfig, saveServerPrefs, type OdConfig } from '../config/config-file.js';
import { attachClient, LAG_PROBE_MS } from '../controllers/index.js';
import { fileTransfer } from '../files/transfer.js';
import { cellPxFrom } from '../images/bitmap.js';
import { chooseImageMode, IMAGE_MODES, isPixelMode, parseImageMode, type ImageMode } from '../images/mode.js';
import { ImagePainter, paintAfterWrites, ThumbCache } from '../images/painter.js';
import type { Placement } from '../state/images/placements.js';
import { emptyPrefs } from '../state/prefs/prefs.js';
import { notifyMode } from '../notify/notify.js';
import { initialState } from '../state/reducer.js';
import { createStore } from '../state/store.js';
import { ChatApp } from '../ui/ChatApp.js';
import type { LoginMode } from '../state/login/form.js';
import { LoginForm, type LoginValues } from '../ui/LoginForm.js';
import { loginAdvice, needsLogin, type Closed } from './closed.js';
import { EXIT, ExitError } from './exit-codes.js';
import { openClient } from './open-client.js';
import { clientName } from './client-name.js';
import { audioOptionsFromEnv } from '../voice/audio-tools.js';
import { enterAltScreen, leaveAltScreen } from './screen.js';

interface LoggedIn {
  name: string;
  session: SavedSession;
  pair: TokenPair;
  /** A new account: the chat greets it (see state/notices/hint.ts). */
  signedUp: boolean;
}

/** The login form; resolves with the saved session, or null if the user gave up. */
function askLogin(dir: string, server: string | undefined, url: string | undefined, mode?: LoginMode): Promise<LoggedIn | null> {
  return new Promise((resolve) => {
    const onSubmit = async (v: LoginValues) => {
      // A reset code revokes every session; logging in with the new password right after is what the person wants.
      const pair = await (async () => {
        if (v.mode === 'reset') await resetPassword(v.url, { username: v.username, code: v.code ?? '', password: v.password });
        return v.mode !== 'signup'
          ? login(v.url, { username: v.username, password: v.password, client: clientName(), ...(v.totp && { code: v.totp }) })
          : signup(v.url, {
              username: v.username,
              password: v.password,
              client: clientName(),
              ...(v.totp && { code: v.totp }),
              ...(v.invite && { invite: v.invite }),
              ...(v.nickname && { nickname: v.nickname }),
            });
      })().catch((e: unknown) => {
        // The form shows the message: validation put in words, as everywhere else. The code stays, so the
        // form can tell "asked for a two-factor code" from a refusal.
        throw e instanceof ProtocolError ? new ProtocolError(e.code, describeError(e)) : new Error(describeError(e));
      });
      const name = server ?? serverNameFor(v.url);
      const session: SavedSession = { url: v.url, refreshToken: pair.refreshToken, username: pair.user.username };
      putSession(dir, name, session);
      app.unmount();
      resolve({ name, session, pair, signedUp: v.mode === 'signup' });
    };
    const app = render(
      <LoginForm
        {...(url !== undefined && { initialUrl: url })}
        {...(mode && { initialMode: mode })}
        onSubmit={onSubmit}
        onCancel={() => {
          app.unmount();
          resolve(null);
        }}
      />,
      { exitOnCtrlC: false },
    );
  });
}

async function runChat(
  dir: string,
  name: string,
  session: SavedSession,
  config: OdConfig,
  images: ImageMode,
  first?: TokenPair,
  greet = false,
  startWith?: string,
): Promise<string | null> {
  const store = createStore(initialState(process.stdout.columns || 80, process.stdout.rows || 24));
  const cell = cellPxFrom(process.env.OD_CELL_PX);
  store.dispatch({ type: 'images/mode', mode: images, cell });
  // Pixel pictures: thumbnails are decoded into `thumbs`, and after each of Ink's frames the painter writes
  // what the frame needs (kitty: the picture once; sixel, iTerm2: the pictures at their cells).
  const thumbs = isPixelMode(images) ? new ThumbCache() : undefined;
  const painter = thumbs ? new ImagePainter(images, cell, thumbs) : null;
  let placements: Placement[] = [];
  const unpaint = painter && process.stdout.isTTY ? paintAfterWrites(process.stdout, () => painter.frame(placements)) : () => {};
  if (greet) store.dispatch({ type: 'flash/greet' });
  store.dispatch({ type: 'prefs/look', look: config.look });
  store.dispatch({ type: 'prefs/load', prefs: config.servers[name] ?? emptyPrefs() });
  // /part, /mute and /ignore are kept in the config file, per server, as soon as they change.
  store.subscribe((next, prev) => {
    if (next.prefs !== prev.prefs) saveServerPrefs(dir, name, next.prefs);
  });
  const { client, auth } = openClient(dir, name, session, first);
  let ended: Closed | null = null;
  /** `/account delete` succeeded: the server closes the connection next, and od ends with its own words. */
  let deleted: { messages: string } | null = null;
  await new Promise<void>((resolve) => {
    let done = false;
    const quit = () => {
      if (done) return;
      done = true;
      clearInterval(probe);
      actions.stop();
      process.off('SIGTERM', quit);
      process.off('SIGHUP', quit);
      client.close('quit');
      app.unmount();
      unpaint();
      if (painter) process.stdout.write(painter.finish());
      resolve();
    };
    const actions = attachClient(client, store, {
      onQuit: quit,
      files: fileTransfer(session.url, auth),
      exportAccount: (out, progress) => writeExport(session.url, auth, out, progress),
      onAccountDeleted: () => {
        deleted = { messages: store.getState().flash?.text ?? 'your account was deleted' };
        // Its refresh token is dead: forget it, so the next `od` asks to log in instead of failing.
        removeSession(dir, name);
      },
      ...(thumbs && { thumbs }),
      // Voice through the system's audio tools, or the files OD_VOICE_CAPTURE / OD_VOICE_PLAYBACK name.
      audio: audioOptionsFromEnv(),
    });
    const probe = setInterval(() => actions.probeLag(), LAG_PROBE_MS);
    if (startWith !== undefined) {
      // `od 2fa enable`: the command runs once the first snapshot is in (it needs the connection).
      const off = store.subscribe((s) => {
        if (!s.world) return;
        off();
        actions.submit(startWith);
      });
    }
    client.on('status', (s) => {
      // The session is over: leave the chat and say how to log in again. Other closes (banned) stay on screen.
      if (s.state === 'closed' && needsLogin(s)) {
        ended = s;
        quit();
      }
    });
    process.on('SIGTERM', quit);
    process.on('SIGHUP', quit);
    const onFrame = painter ? (p: Placement[]) => void (placements = p) : undefined;
    const app = render(<ChatApp store={store} actions={actions} onQuit={quit} notify={notifyMode(process.env)} {...(onFrame && { onFrame })} />, {
      exitOnCtrlC: false,
    });
    // Connection problems show on the status line; the client keeps retrying by itself.
    client.connect().catch(() => {});
  });
  // Said on the shell's screen, once the chat's is gone.
  if (deleted !== null) return `${(deleted as { messages: string }).messages}\nod forgot its saved session for ${session.url}`;
  if (ended) throw new ExitError(EXIT.AUTH, loginAdvice(ended, session.url));
  return null;
}

/**
 * `od`, `od login URL` and `od reset-password [URL]`: log in when needed (or first set a new password with a
 * reset code), then chat, on the alternate screen.
 */
export async function runInteractive(
  dir: string,
  server: string | undefined,
  loginUrl?: string,
  mode?: LoginMode,
  imagesFlag?: string,
  /** A slash command to run as soon as the chat is connected (`od 2fa enable` runs `/2fa enable`). */
  startWith?: string,
): Promise<void> {
  if (imagesFlag !== undefined && !parseImageMode(imagesFlag)) throw new ExitError(EXIT.USAGE, `--images must be one of ${IMAGE_MODES.join(', ')}`);
  const saved = loginUrl === undefined && mode === undefined ? pickSession(loadSessions(dir), server) : null;
  if (loginUrl === undefined && mode === undefined && server && !saved) {
    throw new ExitError(EXIT.USAGE, `no saved session for server "${server}": run od login URL --server ${server}`);
  }
  // A broken config file stops od here, with the place of the mistake, before the screen is taken.
  let config: OdConfig;
  try {
    config = loadConfig(dir);
  } catch (error) {
    if (error instanceof ConfigError) throw new ExitError(EXIT.USAGE, error.message);
    throw error;
  }
  const images = chooseImageMode(imagesFlag, config.images, process.env);
  enterAltScreen();
  let farewell: string | null = null;
  try {
    if (saved) farewell = await runChat(dir, saved.name, saved.session, config, images, undefined, false, startWith);
    else {
      // `od reset-password` without a URL: the saved server's, if there is one.
      const url = loginUrl ?? (mode === 'reset' ? pickSession(loadSessions(dir), server)?.session.url : undefined);
      const fresh = await askLogin(dir, server, url, mode);
      if (fresh) farewell = await runChat(dir, fresh.name, fresh.session, config, images, fresh.pair, fresh.signedUp, startWith);
    }
  } finally {
    leaveAltScreen();
  }
  if (farewell !== null) process.stdout.write(`${farewell}\n`);
}
