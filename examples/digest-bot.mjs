#!/usr/bin/env node
/**
 * Digest bot: once a day (or once, with --once) it writes a post on a board summing up the day on every
 * board it can see: the posts with activity in the last 24 hours, most commented first, with their tags.
 * It reads boards with `post.list` and writes with `post.create`, through the typed client only.
 *
 *   node examples/digest-bot.mjs --url http://127.0.0.1:7331 --username digest --password '...' --board news [--once]
 *
 * Flags fall back to OD_URL, OD_USERNAME, OD_PASSWORD and OD_INVITE; with --invite the bot signs up first.
 */
import { parseArgs } from 'node:util';
import { ProtocolError, connect, signup } from '@open-discord/protocol';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Posts listed per board, and boards' pages read (30 posts each) while looking back one day. */
const PER_BOARD = 5;
const MAX_PAGES = 10;

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    invite: { type: 'string' },
    board: { type: 'string' },
    once: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log('usage: digest-bot.mjs --url URL --username NAME --password PASS --board NAME [--invite CODE] [--once]');
  process.exit(0);
}
const url = flags.url ?? process.env.OD_URL ?? 'http://127.0.0.1:7331';
const username = flags.username ?? process.env.OD_USERNAME;
const password = flags.password ?? process.env.OD_PASSWORD;
const invite = flags.invite ?? process.env.OD_INVITE;
const boardName = (flags.board ?? '').replace(/^#/, '').toLowerCase();
if (!username || !password || !boardName) {
  console.error('digest-bot: --username, --password and --board are required');
  process.exit(2);
}
const log = (...args) => console.error(new Date().toISOString(), ...args);

/** The posts of one board with activity since `since`, most commented first. */
async function activeSince(client, roomId, since) {
  const posts = [];
  let before;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await client.request('post.list', { roomId, sort: 'latest', ...(before !== undefined && { before }) });
    const list = before === undefined ? [...r.pinned, ...r.posts] : r.posts;
    posts.push(...list.filter((p) => p.lastAt >= since));
    // The page is by latest activity: once one is older than the day, the rest are too.
    if (r.end || r.posts.length === 0 || r.posts.at(-1).lastAt < since) break;
    before = r.posts.at(-1).lastOrder;
  }
  return posts.sort((a, b) => b.comments - a.comments).slice(0, PER_BOARD);
}

/** Write today's digest on the target board (joining it first), from every board the bot can see. */
async function digest(client) {
  // The boards it can see now (a fresh `state` each day: boards come and go).
  const state = await client.request('state', {});
  const rooms = state.rooms.filter((r) => r.kind === 'forum');
  const target = rooms.find((r) => r.name.toLowerCase() === boardName);
  if (!target) throw new Error(`no board named ${boardName} (create it with /create ${boardName} --kind forum)`);
  if (!state.joined.includes(target.id)) await client.request('room.join', { roomId: target.id });
  const now = Date.now();
  const lines = [];
  for (const room of rooms) {
    const posts = await activeSince(client, room.id, now - DAY_MS);
    if (posts.length === 0) continue;
    // Names and tags are written without `#`: the digest's own hashtag is #digest, not every tag it mentions.
    lines.push(`${room.name}:`);
    for (const p of posts) lines.push(`- ${p.title.replace(/#/g, '')} (${p.comments} comments)${p.tags.length ? ` [${p.tags.join(', ')}]` : ''}`);
  }
  const day = new Date(now).toISOString().slice(0, 10);
  const text = lines.length ? lines.join('\n') : 'A quiet day: no post had any activity.';
  // One digest per day: the nonce is the day, so a restart the same day answers with the same post.
  const { post } = await client.request('post.create', { roomId: target.id, title: `Daily digest ${day} #digest`, text, nonce: `digest-${day}` });
  log(`posted ${post.title} (${lines.length} lines)`);
}

async function main() {
  if (invite) {
    try {
      await signup(url, { username, password, invite });
    } catch (error) {
      if (!(error instanceof ProtocolError && error.code === 'CONFLICT')) throw error;
    }
  }
  const client = await connect(url, { username, password });
  log(`connected as ${client.me?.nickname}`);
  const run = () => digest(client).catch((error) => log(`digest failed: ${error.message}`));
  await run();
  if (flags.once) {
    client.close();
    return;
  }
  setInterval(run, DAY_MS);
}

await main();
