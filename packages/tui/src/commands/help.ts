import { COMMANDS, PERMISSIONS, type Permission } from '@open-discord/protocol';
import { keyHelpLines } from '../keys/help.js';
import { usage } from './parse.js';

/** What each permission allows; typed by the protocol's list, so a new permission cannot go unexplained. */
const PERMISSION_HELP: Record<Permission, string> = {
  create_rooms: 'create rooms',
  manage_rooms: 'rename, restrict, open, move and delete rooms; manage categories',
  manage_roles: 'create, change, grant and revoke roles below your own',
  manage_members: 'kick and ban members below your rank',
  moderate_messages: "delete other people's messages",
  mention_everyone: 'notify everyone with @everyone',
  create_invites: 'create invite codes (/invite) granting roles below your own',
  manage_invites: "list and revoke everyone's invites",
  manage_own_rooms: 'rename, set the topic of and delete the rooms you created',
};

/** The permission names `/role perms` takes (+name adds, -name removes), one a line. */
export function permissionLines(): string[] {
  const width = Math.max(...PERMISSIONS.map((p) => p.length));
  return ['permissions (/role perms ROLE +name -name):', ...PERMISSIONS.map((p) => `  ${p.padEnd(width)}  ${PERMISSION_HELP[p]}`)];
}

/** The /help text: every command in the shared table, with its usage and one line of help. */
export function helpLines(only?: string): string[] {
  const name = only?.replace(/^\//, '').toLowerCase();
  const specs = name ? COMMANDS.filter((c) => c.name === name) : COMMANDS;
  if (specs.length === 0) return [`unknown command /${name}`];
  const rows = specs.map((c) => [usage(c), c.help] as const);
  const width = Math.max(...rows.map(([u]) => u.length));
  return rows.map(([u, h]) => `${u.padEnd(width)}  ${h}`);
}

/**
 * The /help overlay: the commands (or one of them), then every key binding when no command was named. Help
 * for a command that takes permissions lists them; names with spaces are written in quotes.
 */
export function helpScreen(only?: string): string[] {
  if (!only) {
    return [...helpLines(), '', 'Names with spaces are written in quotes: /category delete "Side Projects"', '', ...keyHelpLines()];
  }
  const lines = helpLines(only);
  const name = only.replace(/^\//, '').toLowerCase();
  const takesPerms = COMMANDS.some((c) => c.name === name && c.args.some((a) => a.kind === 'perm'));
  return takesPerms ? [...lines, '', ...permissionLines()] : lines;
}
