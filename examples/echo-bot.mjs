#!/usr/bin/env node
/**
 * Echo bot: answers every message that starts with `!echo ` with the rest of the text, in every room it is
 * in; in a thread, it answers in the thread. `!thread text` answers in a thread on that message instead, and
 * `!react` gets a 👀 reaction. A room's messages reach only its members, so the bot joins every room it can see (`--join all`, the
 * default) or only the rooms named (`--join general,bots`), at start and whenever such a room appears. It uses only the public API of @open-discord/protocol; reconnects, resume and resync are the
 * client's job, so the bot is just an event handler.
 *
 *   node examples/echo-bot.mjs --url http://127.0.0.1:7331 --username echobot --password '...'
 *
 * Flags fall back to OD_URL, OD_USERNAME, OD_PASSWORD and OD_INVITE. With --invite the bot signs up first
 * (or just logs in if the account already exists).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ProtocolError, connect, signup } from '@open-discord/protocol';

const PREFIX = '!echo ';
const REACT = '!react';
const THREAD_PREFIX = '!thread ';

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    invite: { type: 'string' },
    join: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (flags.help) {
  console.log('usage: echo-bot.mjs --url URL --username NAME --password PASS [--invite CODE] [--join all|ROOM,ROOM]\n(or OD_URL, OD_USERNAME, OD_PASSWORD, OD_INVITE)');
  process.exit(0);
}

const url = flags.url ?? process.env.OD_URL ?? 'http://127.0.0.1:7331';
const username = flags.username ?? process.env.OD_USERNAME;
const password = flags.password ?? process.env.OD_PASSWORD;
const invite = flags.invite ?? process.env.OD_INVITE;
if (!username || !password) {
  console.error('echo-bot: --username and --password (or OD_USERNAME and OD_PASSWORD) are required');
  process.exit(2);
}

const log = (...args) => console.error(new Date().toISOString(), ...args);

const joinWanted = (flags.join ?? 'all').split(',').map((n) => n.trim().replace(/^#/, '').toLowerCase());
/** Should the bot be in this room? Text rooms only: direct and group chats are joined by being in them. */
const wanted = (room) => room.kind === 'text' && (joinWanted.includes('all') || joinWanted.includes(room.name.toLowerCase()));

/** Join the wanted rooms the bot can see and is not in yet. */
function joinRooms(client, rooms, joined) {
  for (const room of rooms) {
    if (!wanted(room) || joined.has(room.id)) continue;
    joined.add(room.id);
    client
      .request('room.join', { roomId: room.id })
      .then(() => log(`joined #${room.name}`))
      .catch((error) => {
        joined.delete(room.id);
        log(`could not join #${room.name}: ${error.message}`);
      });
  }
}

/** Attach the bot's behaviour to a client. */
function listen(client) {
  client.on('status', (s) => {
    if (s.state === 'offline') log(`offline (${s.reason}); retrying in ${Math.max(0, s.retryAt - Date.now())} ms`);
    else if (s.state === 'live') log('live');
    else if (s.state === 'closed') log(`closed: ${s.reason}`);
  });
  client.on('warning', (w) => log(`warning: ${w}`));

  // Rooms it is in, from each snapshot (start, access changes) and from its own joins since.
  let joined = new Set();
  client.on('snapshot', (state) => {
    joined = new Set(state.joined);
    joinRooms(client, state.rooms, joined);
  });

  client.on('event', (event) => {
    // A room that appears (created, or opened to the bot): join it if it is wanted.
    if (event.type === 'room.created' || event.type === 'room.updated') joinRooms(client, [event.data.room], joined);
    if (event.type === 'room.left' && event.data.userId === client.me?.id) joined.delete(event.data.roomId);
    if (event.type !== 'message.created') return;
    const { message } = event.data;
    // Never answer ourselves, or `!echo !echo x` would loop.
    if (message.authorId === client.me?.id) return;
    if (message.text.trim() === REACT) {
      // A shortcode the protocol package knows; the server stores the emoji itself. Adding twice is a no-op.
      client
        .request('reaction.add', { messageId: message.id, emoji: ':eyes:' })
        .catch((error) => log(`could not react in ${message.roomId}: ${error.message}`));
      return;
    }
    const inThread = message.text.startsWith(THREAD_PREFIX);
    if (!inThread && !message.text.startsWith(PREFIX)) return;
    const text = message.text.slice(inThread ? THREAD_PREFIX.length : PREFIX.length).trim();
    if (!text) return;
    // A reply in a thread is answered in the thread (the server re-points a reply to a reply at its root);
    // `!thread` starts (or continues) the thread of the message it is in.
    const threadId = message.threadId ?? (inThread ? message.id : undefined);
    client
      // A nonce per reply: if the connection drops mid-send the client re-sends it and the server stores it once.
      .request('message.send', { roomId: message.roomId, text, nonce: randomUUID(), ...(threadId && { threadId }) })
      .catch((error) => log(`could not echo in ${message.roomId}: ${error.message}`));
  });
}

async function main() {
  if (invite) {
    try {
      await signup(url, { username, password, invite });
      log(`signed up as ${username}`);
    } catch (error) {
      // Already signed up on an earlier run: fall through to the login.
      if (!(error instanceof ProtocolError && error.code === 'CONFLICT')) throw error;
    }
  }

  // Listeners go on in `setup`, before the client connects, so not even the first message is missed.
  const client = await connect(url, { username, password }, { setup: listen });
  log(`connected to ${url} as ${client.me?.nickname} (${client.me?.id})`);

  const stop = () => {
    log('bye');
    client.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // The process lives as long as the client does; a closed client (banned, session revoked) ends it.
  await new Promise((resolve) => client.on('status', (s) => s.state === 'closed' && resolve(undefined)));
  process.exit(1);
}

main().catch((error) => {
  console.error(`echo-bot: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
