#!/usr/bin/env node
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { backup, inviteCreate, inviteList, inviteRevoke, userList, userResetPassword } from './cli/admin.js';
import { memberBan, memberKick, memberUnban, messageDelete, roleGrant, roleList, roleRevoke } from './cli/community.js';
import { formatSweep, retentionSweep } from './cli/retention.js';
import { auditList } from './cli/audit.js';
import { searchRebuild } from './cli/search.js';
import { ConfigError, dataDirFrom, databaseFrom, defaultDataDir, KNOBS, operatorDataDir, resolveRetention, resolveStartOptions } from './cli/config.js';
import { migrateStore } from './cli/migrate.js';
import { doctor, stats, vacuum } from './cli/operate.js';
import { startServer } from './index.js';
import { SERVER_VERSION } from './version.js';

const program = new Command('od-server')
  .description('open_discord chat server: WebSocket + HTTP on one port, one SQLite file in a data folder.')
  .version(SERVER_VERSION)
  .exitOverride()
  .showHelpAfterError(false);

const dataDirOption = () =>
  new Option('--data-dir <dir>', `data folder (database, secret key, config.json) (default: ${defaultDataDir()}, env OD_DATA_DIR)`);
/**
 * The data folder of an operator command. These commands work on the SQLite file; on a community that lives
 * in PostgreSQL they refuse plainly rather than act on a data folder the server does not use.
 */
const dataDir = (o: { dataDir?: string }) => operatorDataDir(o.dataDir, process.env);

const start = program
  .command('start')
  .description('start the server (flags > OD_* env > <data-dir>/config.json > defaults)')
  .addOption(dataDirOption());
for (const k of KNOBS) {
  const arg = k.flag === 'allowed-origin' ? `--${k.flag} <origin...>` : `--${k.flag} <value>`;
  start.addOption(new Option(arg, `${k.help} (default: ${k.default}, env ${k.env})`));
}
start.action(async (flags: Record<string, unknown>) => {
  const opts = resolveStartOptions(flags, process.env);
  const server = await startServer(opts);
  if (server.firstRunInvite) {
    process.stdout.write(
      `\nFirst-run owner invite: ${server.firstRunInvite}\n` +
        'Sign up with this code to become the owner. It is shown only once.\n\n',
    );
  }
  process.stdout.write(`od-server listening on ${server.url} (data in ${path.resolve(opts.dataDir)})\n`);
  if (server.irc) {
    const irc = [server.irc.port && `irc://${opts.irc?.listen?.host}:${server.irc.port}`, server.irc.tlsPort && `ircs://${opts.irc?.tlsListen?.host}:${server.irc.tlsPort}`];
    process.stdout.write(`IRC gateway on ${irc.filter(Boolean).join(' and ')}\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
});

const invite = program.command('invite').description('manage invite codes');
invite
  .command('create')
  .description('create an invite code and print it')
  .addOption(dataDirOption())
  .option('--uses <n>', 'how many signups it allows (default: 1)')
  .option('--expires <duration>', 'lifetime, e.g. 30m, 12h, 7d (default: never)')
  .option('--role <role>', 'role granted on signup (id or name)')
  .action(async (o: { dataDir?: string; uses?: string; expires?: string; role?: string }) => {
    process.stdout.write(`${await inviteCreate(dataDir(o), o)}\n`);
  });

invite
  .command('list')
  .description('list invite codes: code, id, uses left, expiry, role, creator, status')
  .addOption(dataDirOption())
  .action(async (o: { dataDir?: string }) => {
    process.stdout.write(`${await inviteList(dataDir(o))}\n`);
  });
invite
  .command('revoke')
  .description('revoke an invite code (by code or id), e.g. a leaked first-run owner invite')
  .argument('<code>', 'invite code or id')
  .addOption(dataDirOption())
  .action(async (code: string, o: { dataDir?: string }) => {
    process.stdout.write(`revoked ${await inviteRevoke(dataDir(o), code)}\n`);
  });

const user = program.command('user').description('manage users');
user
  .command('list')
  .description('list every account: id, username, nickname, role names, status (active, kicked, banned), created')
  .addOption(dataDirOption())
  .action(async (o: { dataDir?: string }) => {
    process.stdout.write(`${await userList(dataDir(o))}\n`);
  });
user
  .command('reset-password')
  .description('print a one-time reset code (valid 1 h) for POST /api/reset-password')
  .argument('<username>')
  .option('--clear-2fa', 'redeeming the code also turns the user\'s two-factor login off (a lost authenticator)')
  .addOption(dataDirOption())
  .action(async (username: string, o: { dataDir?: string; clear2fa?: boolean }) => {
    const code = await userResetPassword(dataDir(o), username, { clearTwoFactor: o.clear2fa === true });
    process.stdout.write(`${code}\n`);
    process.stderr.write('Valid for 1 hour. The user redeems it with their username and a new password; all their sessions end.\n');
    if (o.clear2fa) process.stderr.write('Redeeming it also turns their two-factor login off.\n');
  });

// Community moderation as the operator; a running server publishes these changes live.
const member = program.command('member').description('remove members (acts as the server operator)');
const memberActions = [
  ['kick', 'remove a member: sessions end; they may rejoin with a new invite (same username and password)', memberKick, 'kicked'],
  ['ban', 'ban a member: sessions end and the account can never log in or rejoin', memberBan, 'banned'],
  ['unban', 'lift a ban: the person may rejoin with a new invite, as after a kick', memberUnban, 'unbanned'],
] as const;
for (const [name, description, act, done] of memberActions) {
  member
    .command(name)
    .description(description)
    .argument('<nick>')
    .addOption(dataDirOption())
    .action(async (nick: string, o: { dataDir?: string }) => {
      await act(dataDir(o), nick);
      process.stdout.write(`${done} ${nick}\n`);
    });
}

const message = program.command('message').description('moderate messages');
message
  .command('delete')
  .description('delete a message by id (its text is removed everywhere)')
  .argument('<id>')
  .addOption(dataDirOption())
  .action(async (id: string, o: { dataDir?: string }) => {
    await messageDelete(dataDir(o), id);
    process.stdout.write(`deleted ${id}\n`);
  });

const role = program.command('role').description('roles');
role
  .command('list')
  .description('list roles: id, name, position, holders, permissions')
  .addOption(dataDirOption())
  .action(async (o: { dataDir?: string }) => {
    process.stdout.write(`${await roleList(dataDir(o))}\n`);
  });
role
  .command('grant')
  .description('give a member a role (the operator may also hand over the owner role)')
  .argument('<nick>')
  .argument('<role>', 'role id or name')
  .addOption(dataDirOption())
  .action(async (nick: string, r: string, o: { dataDir?: string }) => {
    await roleGrant(dataDir(o), nick, r);
    process.stdout.write(`granted ${r} to ${nick}\n`);
  });
role
  .command('revoke')
  .description('take a role from a member')
  .argument('<nick>')
  .argument('<role>', 'role id or name')
  .addOption(dataDirOption())
  .action(async (nick: string, r: string, o: { dataDir?: string }) => {
    await roleRevoke(dataDir(o), nick, r);
    process.stdout.write(`revoked ${r} from ${nick}\n`);
  });

program
  .command('migrate')
  .description('bring the schema up to date (SQLite: the data folder; PostgreSQL: --database / OD_DATABASE_URL) and print its version')
  .addOption(dataDirOption())
  .option('--database <url>', 'a PostgreSQL URL (postgres://…) (env OD_DATABASE_URL)')
  .action(async (o: { dataDir?: string; database?: string }) => {
    const dir = dataDirFrom(o.dataDir);
    process.stdout.write(`${await migrateStore(dir, databaseFrom(o.database, dir, process.env))}\n`);
  });

program
  .command('backup')
  .description('online backup of the database to FILE (restore = copy it back as od.sqlite while stopped)')
  .argument('<file>')
  .addOption(dataDirOption())
  .action(async (file: string, o: { dataDir?: string }) => {
    await backup(dataDir(o), file, (line) => process.stderr.write(line));
    process.stdout.write(`${file}\n`);
  });

program
  .command('stats')
  .description('users, rooms, messages, events, commit rate, database and folder sizes, connections of a running server')
  .addOption(dataDirOption())
  .action((o: { dataDir?: string }) => {
    process.stdout.write(`${stats(dataDir(o))}\n`);
  });

program
  .command('doctor')
  .description('check the data folder: integrity, event log, schema, WAL size, permissions, disk space (exit 1 on a failure)')
  .addOption(dataDirOption())
  .option('--full', 'run the full (slower) integrity check instead of the quick one')
  .action((o: { dataDir?: string; full?: boolean }) => {
    const { report, ok } = doctor(dataDir(o), o);
    process.stdout.write(`${report}\n`);
    if (!ok) process.exitCode = 1;
  });

program
  .command('vacuum')
  .description('rewrite the database compactly, giving free space back; converts an older file so the server does it by itself from then on (server stopped; needs free disk as large as the database)')
  .addOption(dataDirOption())
  .action((o: { dataDir?: string }) => {
    const { report, ok } = vacuum(dataDir(o));
    (ok ? process.stdout : process.stderr).write(`${report}\n`);
    if (!ok) process.exitCode = 1;
  });

const search = program.command('search').description('the message search indexes');
search
  .command('rebuild')
  .description('rebuild the search indexes from the messages (best while the server is idle: writes wait for it)')
  .addOption(dataDirOption())
  .action(async (o: { dataDir?: string }) => {
    process.stdout.write(`indexed ${await searchRebuild(dataDir(o))} messages\n`);
  });

program
  .command('retention')
  .description("delete what each room's retention policy has expired, now (the server's sweeper does it hourly)")
  .addOption(dataDirOption())
  .option('--dry-run', 'only print what would be deleted, per room')
  .option('--retention <duration>', "the server's default policy, e.g. 30d, or off (default: as start resolves it: env OD_RETENTION, config.json)")
  .action(async (o: { dataDir?: string; dryRun?: boolean; retention?: string }) => {
    const dir = dataDir(o);
    const report = await retentionSweep(dir, { dryRun: o.dryRun === true, retentionSec: resolveRetention(o.retention, dir, process.env) });
    process.stdout.write(`${formatSweep(report)}\n`);
  });

program
  .command('audit')
  .description('the audit log: privileged actions (roles, kicks and bans, rooms, invites, two-factor, retention, account deletions)')
  .addOption(dataDirOption())
  .option('--limit <n>', 'how many of the newest entries', '50')
  .action(async (o: { dataDir?: string; limit: string }) => {
    const limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new ConfigError('--limit: a number from 1 to 200');
    const lines = await auditList(dataDir(o), { limit });
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'the audit log is empty\n');
  });

function fail(message: string, code: number): never {
  process.stderr.write(`od-server: ${message}\n`);
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit cleanly; usage errors (already printed by commander) exit 2.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof ConfigError) fail(error.message, 2);
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') fail(`address already in use (${e.message.replace(/^.*EADDRINUSE:?\s*/, '')})`, 1);
  fail(e.message ?? String(error), 1);
}
