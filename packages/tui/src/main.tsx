import { Command } from 'commander';
import { configDir } from './config/sessions.js';
import { EXIT, ExitError } from './run/exit-codes.js';
import { exitCodeFor } from './run/headless.js';
import { runLogout } from './run/logout.js';
import { runMembership } from './run/membership.js';
import { runSend } from './run/send.js';
import { runLoginHeadless } from './run/login-headless.js';
import { parseSince } from './run/since.js';
import { runTail } from './run/tail.js';
import { runDownload } from './run/download.js';
import { describeError } from './controllers/describe-error.js';

const program = new Command();
const dir = () => configDir();
const server = () => program.opts<{ server?: string }>().server;
const images = () => program.opts<{ images?: string }>().images;

/**
 * The chat UI (Ink, React and every screen) is loaded only when it is used: the one-shot commands (send,
 * tail, logout) that scripts start many times at once would otherwise spend most of their CPU loading it.
 */
const runInteractive = async (...args: Parameters<typeof import('./run/interactive.js').runInteractive>) =>
  (await import('./run/interactive.js')).runInteractive(...args);

program
  .name('od')
  .description('open_discord terminal client. With no command: chat (logging in first if needed).')
  .option('--server <name>', 'which saved server to use (default: the last one logged in to)')
  .option('--images <mode>', 'how pictures are drawn: kitty, sixel, iterm, blocks (half blocks) or off (default: by terminal; also OD_IMAGES or "images" in config.json)')
  .addHelpText(
    'after',
    `
Sessions are saved in $OD_CONFIG_DIR, else $XDG_CONFIG_HOME/od, else ~/.config/od (file mode 0600); the
config file (timestamp format, colours; see the README) is config.json in the same folder.
Mentions in other rooms ring the bell, or show a desktop notification (OSC 9) in iTerm2, WezTerm, ghostty
and kitty; OD_NOTIFY=bell|osc9|off overrides that.
Pictures are drawn with kitty graphics, sixel or iTerm2 images where the terminal is known to draw them, else
with half blocks in 24-bit colour, else not at all; --images or OD_IMAGES=kitty|sixel|iterm|blocks|off chooses,
and OD_CELL_PX=WxH gives the cell size in pixels sixel pictures are made for (default 8x16).
Exit codes: 0 ok, 1 server or network failure, 2 usage / not logged in, 3 room not found, 4 session expired.
In the chat, /help lists every command and key.`,
  )
  .action(async () => runInteractive(dir(), server(), undefined, undefined, images()));

program
  .command('login <url>')
  .description('log in (or sign up with an invite code) to the server at URL, save the session, and chat')
  .option('--username <name>', 'log in without a screen, reading the password from stdin (for scripts)')
  .addHelpText('after', '\nWith --username: exit 0 logged in, 1 server unreachable or failed, 2 no password on stdin, 4 wrong username or password.')
  .action(async (url: string, opts: { username?: string }) => {
    if (opts.username === undefined) return runInteractive(dir(), server(), url, undefined, images());
    process.stdout.write((await runLoginHeadless(dir(), server(), url, opts.username)) + '\n');
  });

program
  .command('reset-password [url]')
  .description('set a new password with the one-time code from `od-server user reset-password NAME`, then chat')
  .action(async (url: string | undefined) => runInteractive(dir(), server(), url, 'reset', images()));

program
  .command('2fa [action]')
  .description('two-factor login: status, enable (QR code for an authenticator app) or disable; opens the chat on that screen')
  .action(async (action: string | undefined) => {
    const a = (action ?? 'status').toLowerCase();
    if (!['status', 'enable', 'disable'].includes(a)) throw new ExitError(EXIT.USAGE, 'od 2fa: status, enable or disable');
    return runInteractive(dir(), server(), undefined, undefined, images(), `/2fa ${a}`);
  });

program
  .command('export')
  .description('write everything the server holds about this account (messages, reactions, uploads) to one tar archive')
  .option('--out <file>', 'the archive to write (default: od-export-USERNAME-DATE.tar here)')
  .action(async (opts: { out?: string }) => {
    const { runExport } = await import('./run/export.js');
    process.stdout.write((await runExport(dir(), server(), opts.out, (t) => process.stderr.write(t))) + '\n');
  });

program
  .command('logout')
  .description('revoke and forget the saved session')
  .option('--all', 'revoke every session of this account, on every device')
  .action(async (opts: { all?: boolean }) => {
    process.stdout.write((await runLogout(dir(), server(), !!opts.all)) + '\n');
  });

program
  .command('send <room> [text]')
  .description('send one message to ROOM (TEXT, or stdin when TEXT is omitted); prints the message id')
  .action(async (room: string, text: string | undefined) => runSend(dir(), server(), room, text));

program
  .command('join <room>')
  .description('join ROOM: its messages reach this account from now on (send and tail need it)')
  .action(async (room: string) => {
    process.stdout.write((await runMembership(dir(), server(), room, true)) + '\n');
  });

program
  .command('part <room>')
  .description('leave ROOM: its messages stop reaching this account')
  .action(async (room: string) => {
    process.stdout.write((await runMembership(dir(), server(), room, false)) + '\n');
  });

program
  .command('tail <room>')
  .description('print new messages in ROOM as they arrive, until interrupted')
  .option('--json', 'one JSON object per line')
  .option('--since <when>', 'print the backlog first: a duration back from now (90s, 15m, 2h, 1d, 1h30m) or an order (messages after it)')
  .action(async (room: string, opts: { json?: boolean; since?: string }) => {
    const since = opts.since === undefined ? undefined : parseSince(opts.since, Date.now());
    if (since === null) throw new ExitError(EXIT.USAGE, `--since takes a duration like 15m or 2h, or an order number, not "${opts.since}"`);
    return runTail(dir(), server(), room, !!opts.json, since);
  });

program
  .command('download <file-id>')
  .description('save an attachment (to the download folder, or --out PATH); prints where it was saved')
  .option('--out <path>', 'a file to write, or a folder to put it in')
  .action(async (fileId: string, opts: { out?: string }) => {
    process.stdout.write((await runDownload(dir(), server(), fileId, opts.out)) + '\n');
  });

program.exitOverride((err) => {
  // --help and --version are not failures; everything else commander rejects is a usage error.
  process.exit(err.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
});

/** Exit only after stdout has been flushed: piped output (od tail | …) must not be cut off. */
const exit = (code: number) => process.stdout.write('', () => process.exit(code));

try {
  await program.parseAsync(process.argv);
  exit(EXIT.OK);
} catch (error) {
  process.stderr.write(`od: ${error instanceof ExitError ? error.message : describeError(error)}\n`);
  exit(exitCodeFor(error));
}
