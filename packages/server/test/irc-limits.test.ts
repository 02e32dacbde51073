/**
 * The IRC gateway's limits and robustness: connection caps at accept, line length (RFC 1459's 512 bytes,
 * IRCv3's 8191 for tags → 417), fakelag (delay before refusing, "Excess Flood"), a slow reader cut off
 * without hurting others, UTF8ONLY, unknown commands (421), and a few thousand random lines that must never
 * crash the server or the connection.
 */
import { fc } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { makeOwner, member } from './community-support.js';
import { until } from './helpers.js';
import { IrcHarness } from './irc-support.js';

const h = new IrcHarness();
afterEach(() => h.release());

const irc = (over: Record<string, unknown>) => ({ irc: { listen: { host: '127.0.0.1', port: 0 }, ...over } });

describe('IRC limits', () => {
  it('connections from one address beyond the cap get ERROR and are closed; the others stay', async () => {
    const server = await h.ircServer(irc({ maxConnectionsPerIp: 2 }));
    const a = await h.irc(server.ircPort);
    const b = await h.irc(server.ircPort);
    await a.sync();
    await b.sync();
    const c = await h.irc(server.ircPort);
    expect((await c.cmd('ERROR')).params[0]).toMatch(/Too many connections from your address/);
    await c.waitClosed();
    await a.sync();
    // A closed connection frees its slot.
    a.close();
    await until(() => a.closed);
    let d = await h.irc(server.ircPort);
    for (let i = 0; i < 50 && (await d.sync().then(() => false, () => true)); i++) d = await h.irc(server.ircPort);
    expect(d.closed).toBe(false);
  });

  it('connections beyond the server-wide cap get ERROR "Server full"', async () => {
    const server = await h.ircServer(irc({ maxConnections: 1 }));
    const a = await h.irc(server.ircPort);
    await a.sync();
    const b = await h.irc(server.ircPort);
    expect((await b.cmd('ERROR')).params[0]).toMatch(/Server full/);
  });

  it('a line longer than 512 bytes (without tags) gets 417 and the connection carries on', async () => {
    const server = await h.ircServer();
    const c = await h.irc(server.ircPort);
    c.send(`PING ${'x'.repeat(600)}`);
    await c.cmd('417');
    await c.sync();
  });

  it('tags up to 8191 bytes are accepted; a longer line is refused with 417 and skipped to its end', async () => {
    const server = await h.ircServer();
    const c = await h.irc(server.ircPort);
    c.send(`@a=${'y'.repeat(8000)} PING ok`);
    expect((await c.cmd('PONG')).params[1]).toBe('ok');
    c.send(`@a=${'y'.repeat(20_000)} PING no`);
    await c.cmd('417');
    await c.sync();
  });

  it('fakelag delays a burst beyond the allowance instead of refusing it', async () => {
    const server = await h.ircServer(irc({ flood: { burst: 3, perSec: 50, maxQueued: 100 } }));
    const c = await h.irc(server.ircPort);
    for (let i = 0; i < 12; i++) c.send(`PING t${i}`);
    for (let i = 0; i < 12; i++) await c.next((l) => l.command === 'PONG' && l.params[1] === `t${i}`);
    expect(c.closed).toBe(false);
  });

  it('a client that keeps flooding past the queue is disconnected with Excess Flood; others are unaffected', async () => {
    const server = await h.ircServer(irc({ flood: { burst: 2, perSec: 1, maxQueued: 10 } }));
    const other = await h.irc(server.ircPort);
    const c = await h.irc(server.ircPort);
    c.send(Array.from({ length: 200 }, (_, i) => `PING f${i}`).join('\r\n'));
    expect((await c.cmd('ERROR')).params[0]).toMatch(/Excess Flood/);
    await c.waitClosed();
    await other.sync();
  });

  it('a reader that stops reading is disconnected, and the other clients keep receiving', async () => {
    const server = await h.ircServer(irc({ sendBufferCap: 64 * 1024 }));
    const bobM = await member(server.url, 'bob');
    await makeOwner(server, bobM.id);
    const alice = await member(server.url, 'alice');
    await member(server.url, 'carol');
    const bob = await h.connect(server.url, bobM.token);
    const { room } = await bob.call('room.create', { name: 'general' });
    const slow = await h.irc(server.ircPort);
    await slow.login('alice');
    slow.send('JOIN #general');
    await slow.cmd('366');
    const fast = await h.irc(server.ircPort);
    await fast.login('carol');
    fast.send('JOIN #general');
    await fast.cmd('366');
    slow.socket.pause();
    const text = 'z'.repeat(3500);
    let sent = 0;
    // Until the gateway gives up on the slow reader (bounded: the kernel's buffers are finite).
    while (server.app.hub.connectionsOf(alice.id) > 0 && sent < 5000) {
      await Promise.all(Array.from({ length: 50 }, () => bob.call('message.send', { roomId: room.id, text, nonce: `n${sent++}` })));
    }
    expect(server.app.hub.connectionsOf(alice.id)).toBe(0);
    // The fast reader got every one of them.
    await until(() => fast.lines.filter((l) => l.command === 'PRIVMSG').length >= sent, 'all messages at the fast reader', 60_000);
  }, 180_000);

  it('a line that is not UTF-8 is refused with FAIL INVALID_UTF8', async () => {
    const server = await h.ircServer();
    const c = await h.irc(server.ircPort);
    c.socket.write(Buffer.concat([Buffer.from('PRIVMSG #x :'), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]));
    const f = await c.cmd('FAIL');
    expect(f.params[1]).toBe('INVALID_UTF8');
  });

  it('an unknown command after registration gets 421', async () => {
    const server = await h.ircServer();
    await member(server.url, 'alice');
    const c = await h.irc(server.ircPort);
    await c.login('alice');
    c.send('FROBNICATE now');
    expect((await c.cmd('421')).params[1]).toBe('FROBNICATE');
  });

  it('a few thousand random lines never crash the server or the connection', async () => {
    const server = await h.ircServer(irc({ flood: { burst: 100_000, perSec: 100_000, maxQueued: 100_000 } }));
    const bobM = await member(server.url, 'bob');
    await makeOwner(server, bobM.id);
    await member(server.url, 'alice');
    const bob = await h.connect(server.url, bobM.token);
    await bob.call('room.create', { name: 'general' });
    const c = await h.irc(server.ircPort);
    await c.login('alice', { caps: ['message-tags', 'batch', 'labeled-response', 'echo-message', 'server-time'] });
    const commands = ['PRIVMSG', 'NOTICE', 'JOIN', 'PART', 'TOPIC', 'NAMES', 'LIST', 'WHO', 'WHOIS', 'MODE', 'AWAY', 'NICK', 'TAGMSG', 'MARKREAD', 'CHATHISTORY', 'CAP', 'PING', 'USERHOST', 'ISON', 'AUTHENTICATE', 'X', '001'];
    const word = fc.oneof(
      fc.constantFrom('#general', '#nosuch', '&x', 'bob', 'alice', '*', 'LATEST', 'BEFORE', 'msgid=zz', 'timestamp=2020-01-01T00:00:00.000Z', '0', '100', '-1', ':', ':x y'),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n\0 ]/g, '')),
    );
    const line = fc
      .tuple(fc.option(fc.string({ maxLength: 30 }).map((s) => `@${s.replace(/[\r\n\0 ]/g, '')}`)), fc.constantFrom(...commands), fc.array(word, { maxLength: 5 }))
      .map(([tags, cmd, params]) => [tags, cmd, ...params].filter((x) => x !== null && x !== '').join(' '));
    const lines = fc.sample(line, { numRuns: 3000, seed: 17 });
    for (let i = 0; i < lines.length; i += 100) {
      c.send(lines.slice(i, i + 100).join('\r\n'));
      if (c.closed) break;
      await c.sync();
    }
    // Random bytes too, including lone CRs and NULs.
    const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 200 }), { numRuns: 200, seed: 5 });
    for (const j of junk) c.socket.write(Buffer.concat([Buffer.from(j), Buffer.from('\r\n')]));
    if (!c.closed) await c.sync();
    // Whatever happened to this link, the server answers a new client normally.
    const again = await h.irc(server.ircPort);
    const welcome = await again.login('alice');
    expect(welcome.some((l) => l.command === '001')).toBe(true);
  }, 180_000);
});
