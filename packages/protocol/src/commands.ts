/**
 * The slash-command table, shared so the TUI, its /help text, completion and bots agree.
 * Each command names the request it maps to (or `client` for purely local ones); the TUI parses the
 * arguments and resolves nicknames/room names to ids before sending.
 */
export type ArgKind = 'text' | 'nick' | 'room' | 'role' | 'category' | 'color' | 'perm' | 'word' | 'number' | 'duration';

export interface CommandArg {
  name: string;
  kind: ArgKind;
  optional?: boolean;
  /** Takes the rest of the line (only the last argument). */
  rest?: boolean;
  /** Repeats (only the last argument, or an option). */
  many?: boolean;
  /**
   * An option, written `--<option> value` (repeated when `many`) before any rest-of-line argument, e.g.
   * `/create staff --role mods`. Options are not positional.
   */
  option?: string;
  /** The request parameter it fills, when not the one its kind or name implies. */
  param?: string;
}

export interface CommandSpec {
  name: string;
  /** Sub-command word, e.g. `create` in `/role create`. */
  sub?: string;
  args: CommandArg[];
  help: string;
  /** The request it sends, or 'client' for commands handled locally. */
  request: string | 'client';
  /** Destroys something that cannot be brought back: clients ask before sending it. */
  destructive?: boolean;
}

const a = (name: string, kind: ArgKind, extra: Partial<CommandArg> = {}): CommandArg => ({ name, kind, ...extra });

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'help', args: [a('command', 'word', { optional: true })], help: 'List commands, or show one', request: 'client' },
  { name: 'join', args: [a('room', 'room')], help: 'Join a room (its messages reach you) and switch to it', request: 'client' },
  { name: 'part', args: [a('room', 'room', { optional: true })], help: 'Leave a room: its messages stop (/join brings you back)', request: 'client' },
  { name: 'list', args: [], help: 'Browse the rooms you can see, joined or not', request: 'client' },
  { name: 'members', args: [], help: 'Open or close the member list beside the chat: online, away, offline, roles, status (also Alt+M)', request: 'client' },
  { name: 'away', args: [], help: 'Be shown away to everyone until /back', request: 'client' },
  { name: 'back', args: [], help: 'Be shown online again (away by itself after 10 idle minutes)', request: 'client' },
  { name: 'invisible', args: [], help: 'Appear offline to everyone (you can still read and write); /back undoes it', request: 'client' },
  { name: 'status', args: [a('text', 'text', { optional: true, rest: true })], help: 'Set the status text others see beside your name; none clears it', request: 'status.set' },
  {
    name: 'create',
    args: [
      a('name', 'word'),
      a('topic', 'text', { optional: true, rest: true }),
      a('roles', 'role', { optional: true, many: true, option: 'role', param: 'restrictedTo' }),
      a('kind', 'word', { optional: true, option: 'kind' }),
    ],
    help: 'Create a room; --role ROLE creates it already restricted to that role (repeat for more); --kind forum makes a board of posts, --kind voice a voice room',
    request: 'room.create',
  },
  { name: 'topic', args: [a('topic', 'text', { rest: true })], help: "Set the current room's topic", request: 'room.update' },
  { name: 'nick', args: [a('nickname', 'word')], help: 'Change your nickname', request: 'nick.set' },
  { name: 'color', args: [a('color', 'color')], help: 'Set your name colour (name, #rrggbb, or reset)', request: 'color.set' },
  { name: 'me', args: [a('action', 'text', { rest: true })], help: 'Send an action message', request: 'message.send' },
  { name: 'quit', args: [], help: 'Leave od', request: 'client' },
  // Account safety: passwords and codes are typed into a screen of their own, never on the command line.
  { name: '2fa', args: [a('action', 'word', { optional: true })], help: 'Two-factor login: status, enable (QR code for your authenticator app) or disable', request: 'client' },
  { name: '2fa', sub: 'require', args: [a('role', 'role')], help: 'Owner: holders of the role must turn two-factor login on before they can write', request: 'twofa.require' },
  { name: '2fa', sub: 'unrequire', args: [a('role', 'role')], help: 'Owner: lift the two-factor requirement of a role', request: 'twofa.unrequire' },
  { name: 'password', args: [], help: 'Change your password (your other sessions are logged out)', request: 'client' },
  { name: 'sessions', args: [], help: 'Where you are logged in: r logs one out, o logs out everywhere else', request: 'client' },
  {
    name: 'account',
    args: [a('action', 'word'), a('arg', 'text', { optional: true, rest: true })],
    help: 'Your account: export [FILE] writes everything the server holds about you to one archive (as od export); delete [keep|erase] deletes it for good after your password (and code): keep leaves your messages under "deleted user", erase removes them (else the server decides)',
    request: 'client',
  },
  {
    name: 'apppassword',
    args: [a('action', 'word', { optional: true }), a('arg', 'text', { optional: true, rest: true })],
    help: 'Passwords for IRC clients, which cannot ask for a two-factor code: create NAME (shown once), list, revoke NAME-or-ID (also in /sessions)',
    request: 'client',
  },
  { name: 'audit', args: [], help: 'Admins: the audit log of privileged actions (who granted, banned, deleted, changed retention…), newest first', request: 'client' },
  // Your own room settings, kept by the server so every device of yours agrees (room.settings).
  { name: 'mute', args: [a('room', 'room', { optional: true })], help: 'Mute a room: shown dimmed, never rings (all your devices); in voice, bare /mute mutes your microphone', request: 'client' },
  { name: 'unmute', args: [a('room', 'room', { optional: true })], help: 'Unmute a room; in voice, bare /unmute unmutes your microphone', request: 'client' },
  // Voice rooms (create one with /create NAME --kind voice).
  { name: 'join-voice', args: [a('room', 'room', { optional: true })], help: 'Join a voice room (this one by default; also Enter on an empty line there): open mic, or push-to-talk with Alt+V', request: 'client' },
  { name: 'leave-voice', args: [], help: 'Leave the voice room you are in', request: 'client' },
  { name: 'deafen', args: [], help: 'In voice: hear nothing (again to hear)', request: 'client' },
  { name: 'volume', args: [a('nick', 'nick'), a('percent', 'number')], help: 'In voice: how loud someone is for you, 0 to 200 (100 is as sent)', request: 'client' },
  { name: 'voice-mode', args: [a('mode', 'word')], help: 'In voice: open (sent while you speak) or ptt (push-to-talk: Alt+V toggles, releases after 5 s of silence)', request: 'client' },
  { name: 'ptt', args: [], help: 'In voice: push-to-talk on or off (as Alt+V)', request: 'client' },
  { name: 'notify', args: [a('level', 'word')], help: 'When this room rings: all, mentions, none, or reset (your default)', request: 'client' },
  {
    name: 'notify',
    sub: 'default',
    args: [a('kind', 'word'), a('level', 'word')],
    help: 'When rooms without a level of their own ring: /notify default rooms|chats all|mentions|none',
    request: 'client',
  },
  { name: 'rename-local', args: [a('name', 'text', { optional: true, rest: true })], help: 'Your own name for this room (only you see it); none gives it back its name', request: 'client' },
  { name: 'peek', args: [], help: 'Look at this room without marking it read (again to stop)', request: 'client' },
  { name: 'unread', args: [], help: 'Mark this room unread again from its newest message', request: 'client' },
  // Direct and group chats: only their members see them.
  { name: 'msg', args: [a('nick', 'nick'), a('text', 'text', { rest: true })], help: 'Send a direct message (opens your chat with them, or reuses it)', request: 'client' },
  {
    name: 'group',
    sub: 'create',
    args: [a('name', 'word'), a('members', 'nick', { optional: true, many: true, param: 'userIds' })],
    help: 'Make a group chat with these members',
    request: 'group.create',
  },
  { name: 'group', sub: 'add', args: [a('nick', 'nick')], help: 'Add a member to this group chat (its admins)', request: 'group.add' },
  { name: 'group', sub: 'remove', args: [a('nick', 'nick')], help: 'Remove a member from this group chat (its admins)', request: 'group.remove' },
  { name: 'group', sub: 'rename', args: [a('name', 'text', { rest: true })], help: 'Rename this group chat (its admins)', request: 'group.update' },
  { name: 'group', sub: 'topic', args: [a('topic', 'text', { rest: true })], help: "Set this group chat's topic (its admins)", request: 'group.update' },
  { name: 'group', sub: 'admin', args: [a('nick', 'nick')], help: 'Make a member an admin of this group chat (its owner)', request: 'client' },
  { name: 'group', sub: 'unadmin', args: [a('nick', 'nick')], help: 'Make an admin of this group chat a plain member again (its owner)', request: 'client' },
  { name: 'group', sub: 'owner', args: [a('nick', 'nick')], help: 'Hand this group chat to another member (its owner; you stay an admin)', request: 'client' },
  { name: 'leave', args: [], help: 'Leave this group chat: it vanishes from your list (an owner hands it on)', request: 'client' },
  // Kept by the server, private to you: no direct chat or group add between you, their messages hidden in od.
  { name: 'block', args: [a('nick', 'nick')], help: 'Block a user: no direct messages or group adds between you, their messages hidden (all your devices)', request: 'client' },
  { name: 'unblock', args: [a('nick', 'nick')], help: 'Unblock a user', request: 'client' },
  { name: 'blocked', args: [], help: 'List the users you blocked', request: 'client' },
  // Local to one device (the od config file keeps them per server); nothing is sent to the server.
  { name: 'ignore', args: [a('nick', 'nick')], help: "Hide a member's messages (this device; a count shows where they were)", request: 'client' },
  { name: 'unignore', args: [a('nick', 'nick')], help: 'Show a member\'s messages again', request: 'client' },
  { name: 'role', sub: 'create', args: [a('name', 'word'), a('color', 'color', { optional: true })], help: 'Create a role', request: 'role.create' },
  { name: 'role', sub: 'delete', args: [a('role', 'role')], help: 'Delete a role', request: 'role.delete', destructive: true },
  { name: 'role', sub: 'grant', args: [a('nick', 'nick'), a('role', 'role')], help: 'Give a member a role', request: 'role.grant' },
  { name: 'role', sub: 'revoke', args: [a('nick', 'nick'), a('role', 'role')], help: 'Take a role from a member', request: 'role.revoke' },
  { name: 'role', sub: 'list', args: [], help: 'List roles and their permissions', request: 'client' },
  { name: 'role', sub: 'rename', args: [a('role', 'role'), a('name', 'word')], help: 'Rename a role (not the built-in ones)', request: 'role.update' },
  { name: 'role', sub: 'perms', args: [a('role', 'role'), a('changes', 'perm', { many: true })], help: 'Change permissions: +perm -perm', request: 'role.update' },
  { name: 'role', sub: 'move', args: [a('role', 'role'), a('position', 'number')], help: 'Move a role in the ranking (higher outranks lower)', request: 'role.update' },
  { name: 'category', sub: 'create', args: [a('name', 'text', { rest: true })], help: 'Create a category', request: 'category.create' },
  { name: 'category', sub: 'rename', args: [a('category', 'category'), a('name', 'text', { rest: true })], help: 'Rename a category', request: 'category.update' },
  { name: 'category', sub: 'delete', args: [a('category', 'category')], help: 'Delete a category (its rooms become uncategorised)', request: 'category.delete' },
  { name: 'room', sub: 'move', args: [a('room', 'room'), a('category', 'category'), a('position', 'number', { optional: true })], help: 'Move a room into a category (use "none" for uncategorised)', request: 'room.move' },
  { name: 'room', sub: 'restrict', args: [a('room', 'room'), a('roles', 'role', { many: true })], help: 'Only these roles may see the room', request: 'room.restrict' },
  { name: 'room', sub: 'open', args: [a('room', 'room')], help: 'Let everyone see the room', request: 'room.open' },
  { name: 'room', sub: 'slowmode', args: [a('room', 'room'), a('interval', 'duration', { param: 'seconds' })], help: 'One message per interval per member, e.g. 10s or 2m (off turns it off); moderators are exempt', request: 'room.slowmode' },
  { name: 'room', sub: 'retention', args: [a('room', 'room'), a('keep', 'duration', { param: 'seconds' })], help: "How long the room keeps its messages, e.g. 7d or 52w (off: forever; default: the server's); older ones are deleted for good", request: 'room.retention', destructive: true },
  { name: 'room', sub: 'delete', args: [a('room', 'room')], help: 'Delete a room and its messages', request: 'room.delete', destructive: true },
  { name: 'kick', args: [a('nick', 'nick')], help: 'Remove a member (they can rejoin with an invite)', request: 'member.kick' },
  { name: 'ban', args: [a('nick', 'nick')], help: 'Ban a member', request: 'member.ban', destructive: true },
  { name: 'bans', args: [], help: 'Admins: the banned accounts (lift one with /unban @nick)', request: 'client' },
  // A banned account is no longer a member, so od finds the nickname among the bans (member.bans) first.
  { name: 'unban', args: [a('nick', 'word')], help: 'Lift a ban (they may rejoin with an invite); see /bans', request: 'client' },
  {
    name: 'delete',
    args: [a('message', 'word', { optional: true })],
    help: 'Delete the selected message (or your last one; or one by id); asks first',
    request: 'message.delete',
    destructive: true,
  },
  {
    name: 'edit',
    args: [a('text', 'text', { optional: true, rest: true })],
    help: 'Edit the selected message of yours (or your last one): alone, loads it into the input; with text, replaces it',
    request: 'client',
  },
  {
    name: 'react',
    args: [a('emoji', 'word')],
    help: 'Toggle a reaction on the selected message (or the last one): /react :tada: (a line of just +:tada: does too)',
    request: 'client',
  },
  {
    name: 'upload',
    args: [a('path', 'word'), a('caption', 'text', { optional: true, rest: true })],
    help: 'Send a file (~ is your home; quote a path with spaces) with an optional caption',
    request: 'client',
  },
  { name: 'open', args: [a('n', 'number', { optional: true })], help: 'Download the newest attachment here (or the Nth newest) and open it', request: 'client' },
  {
    name: 'search',
    args: [a('query', 'text', { rest: true })],
    help: 'Search messages: words (word* for a prefix) [in:#room] [from:@nick] [before:YYYY-MM-DD] [after:YYYY-MM-DD]; #tag alone: posts with that hashtag',
    request: 'client',
  },
  { name: 'find-user', args: [a('nick', 'word')], help: 'Find members by part of their nickname', request: 'client' },
  { name: 'find-room', args: [a('name', 'word')], help: 'Find rooms you can see by part of their name', request: 'client' },
  {
    name: 'invite',
    args: [
      a('uses', 'number', { optional: true, option: 'uses' }),
      a('expires', 'duration', { optional: true, option: 'expires', param: 'expiresInSec' }),
      a('role', 'role', { optional: true, option: 'role' }),
    ],
    help: 'Create an invite code to share: --uses N, --expires 7d (30m, 12h, 2w), --role ROLE (below your own)',
    request: 'invite.create',
  },
  { name: 'invite', sub: 'list', args: [], help: "List your invite codes (everyone's with manage_invites)", request: 'invite.list' },
  { name: 'invite', sub: 'revoke', args: [a('code', 'word')], help: 'Revoke an invite by its code or id', request: 'invite.revoke' },
  {
    name: 'highlight',
    args: [a('words', 'word', { optional: true, many: true })],
    help: 'Set your private highlight words (a line containing one marks the room as mentioning you); none clears them',
    request: 'highlight.set',
  },
  // Threads: the pane beside the room (an overlay when narrow). Replies typed while it is open go to the thread.
  { name: 'thread', args: [a('message', 'word', { optional: true })], help: 'Open the thread of a message (by id; default the newest in the room); Esc closes it', request: 'client' },
  { name: 'follow', args: [a('level', 'word', { optional: true })], help: 'Follow a person (@nick: their posts in /feed), or the open thread: all, mentions or none; mute or unmute', request: 'client' },
  { name: 'unfollow', args: [a('nick', 'word', { optional: true })], help: 'Stop following a person (@nick), or the open thread', request: 'client' },
  // Forum boards (rooms created with `/create NAME --forum`): posts, comments (the post's thread), bookmarks, people.
  { name: 'post', args: [a('title', 'text', { rest: true })], help: 'Write a post on the board on screen: the title now, the body on the next line (#tags anywhere); Esc gives up', request: 'client' },
  { name: 'sort', args: [a('order', 'word')], help: "Sort the board: latest (activity) or newest", request: 'client' },
  { name: 'tag', args: [a('tag', 'word', { optional: true })], help: 'Show only posts with a #tag on the board (no tag: all)', request: 'client' },
  { name: 'retitle', args: [a('title', 'text', { rest: true })], help: 'Change the title of your selected (or open) post; its #tags are parsed again', request: 'client' },
  { name: 'lock', args: [], help: 'Moderators: lock the selected (or open) post: no more comments', request: 'client' },
  { name: 'unlock', args: [], help: 'Moderators: unlock the selected (or open) post', request: 'client' },
  { name: 'pin', args: [], help: 'Moderators: pin the selected (or open) post to the top of its board', request: 'client' },
  { name: 'unpin', args: [], help: 'Moderators: unpin the selected (or open) post', request: 'client' },
  { name: 'bookmark', args: [], help: 'Bookmark the selected post on the board (or the open one)', request: 'client' },
  { name: 'unbookmark', args: [], help: 'Remove the bookmark of the selected post (or the open one)', request: 'client' },
  { name: 'bookmarks', args: [], help: 'Your bookmarked posts (private)', request: 'client' },
  { name: 'feed', args: [], help: 'New posts by the people you follow', request: 'client' },
  { name: 'boards', args: [a('name', 'word', { optional: true })], help: 'The boards you can see, by name (part of one filters them); Enter goes to one', request: 'client' },
  { name: 'people', args: [a('nick', 'word')], help: "Find people by part of their nickname; Enter shows one's profile card", request: 'client' },
  { name: 'whois', args: [a('nick', 'nick')], help: "A member's profile: bio, avatar, follows (if shown) and recent posts", request: 'client' },
  { name: 'bio', args: [a('text', 'text', { rest: true, optional: true })], help: 'Set your self-introduction (none: clear it)', request: 'client' },
  {
    name: 'avatar',
    args: [a('path', 'word', { optional: true })],
    help: 'Upload a picture as your profile avatar (none: remove it); everyone sees it on your /whois card',
    request: 'client',
  },
  // The notification inbox: mentions, replies, comments on followed posts, posts of followed people, reactions.
  {
    name: 'inbox',
    args: [a('action', 'word', { optional: true }), a('kind', 'word', { optional: true })],
    help: 'Your notifications (Alt+I; Enter goes there); /inbox all marks all read; /inbox off|on mention|reply|comment|post|reaction',
    request: 'client',
  },
  { name: 'showfollows', args: [a('on', 'word')], help: 'on: everyone may see whom you follow and who follows you; off: only you and them', request: 'client' },
  { name: 'also', args: [], help: 'Toggle "also send to room" for replies in the open thread (Alt+T)', request: 'client' },
];

/** Named colours accepted by `/color`, mapped to the hex the server stores. */
export const NAMED_COLORS: Readonly<Record<string, string>> = {
  red: '#e06c75',
  green: '#98c379',
  yellow: '#e5c07b',
  blue: '#61afef',
  magenta: '#c678dd',
  cyan: '#56b6c2',
  orange: '#d19a66',
  pink: '#ff79c6',
  purple: '#bd93f9',
  teal: '#2aa198',
  lime: '#a6e22e',
  gold: '#ffd700',
};
