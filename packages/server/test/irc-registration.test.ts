/**
 * Connection registration, CAP 302 and SASL PLAIN, written from RFC 1459/2812 §3.1, the modern IRC client
 * protocol document ("Connection Registration", "Capability Negotiation") and IRCv3 capability-negotiation,
 * sasl-3.1 and 3.2. One `it` per rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../src/features/account-security/totp.js';
import { member } from './community-support.js';
import { IrcHarness } from './irc-support.js';

const h = new IrcHarness();
afterEach(() => h.release());

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function withUser(over = {}) {
  const server = await h.ircServer(over);
  const alice = await member(server.url, 'alice');
  return { server, alice, c: await h.irc(server.ircPort) };
}

describe('IRC registration', () => {
  it('CAP LS 302 lists capabilities with values and suspends registration until CAP END', async () => {
    const { c } = await withUser();
    c.send('CAP LS 302');
    c.send('NICK alice');
    c.send('USER alice 0 * :Alice');
    const ls = await c.next((l) => l.command === 'CAP' && l.params[1] === 'LS');
    expect(ls.params[0]).toBe('*');
    const caps = ls.params[ls.params.length - 1]!.split(' ');
    expect(caps).toContain('sasl=PLAIN');
    for (const cap of ['server-time', 'message-tags', 'echo-message', 'batch', 'labeled-response', 'account-tag', 'away-notify', 'draft/chathistory']) {
      expect(caps).toContain(cap);
    }
    // No welcome while negotiating.
    const seen = await c.sync();
    expect(seen.some((l) => l.command === '001')).toBe(false);
  });

  it('CAP LS without a version lists names only', async () => {
    const { c } = await withUser();
    c.send('CAP LS');
    const ls = await c.next((l) => l.command === 'CAP' && l.params[1] === 'LS');
    expect(ls.params[2]!.split(' ')).toContain('sasl');
    expect(ls.params[2]).not.toContain('=');
  });

  it('CAP REQ is acknowledged as a whole, and refused as a whole when one capability is unknown', async () => {
    const { c } = await withUser();
    c.send('CAP LS 302');
    c.send('CAP REQ :server-time message-tags');
    const ack = await c.next((l) => l.command === 'CAP' && ['ACK', 'NAK'].includes(l.params[1]!));
    expect(ack.params[1]).toBe('ACK');
    expect(ack.params[2]).toBe('server-time message-tags');
    c.send('CAP REQ :batch no-such-cap');
    const nak = await c.next((l) => l.command === 'CAP' && ['ACK', 'NAK'].includes(l.params[1]!));
    expect(nak.params[1]).toBe('NAK');
    c.send('CAP LIST');
    const list = await c.next((l) => l.command === 'CAP' && l.params[1] === 'LIST');
    expect(list.params[2]!.split(' ').sort()).toEqual(['cap-notify', 'message-tags', 'server-time']);
  });

  it('CAP REQ with a minus disables a capability', async () => {
    const { c } = await withUser();
    c.send('CAP LS 302');
    c.send('CAP REQ :batch');
    await c.next((l) => l.params[1] === 'ACK');
    c.send('CAP REQ :-batch');
    await c.next((l) => l.params[1] === 'ACK');
    c.send('CAP LIST');
    const list = await c.next((l) => l.params[1] === 'LIST');
    expect(list.params[2]!.split(' ')).not.toContain('batch');
  });

  it('an unknown CAP subcommand gets 410', async () => {
    const { c } = await withUser();
    c.send('CAP FOO');
    expect((await c.cmd('410')).params[1]).toBe('FOO');
  });

  it('SASL PLAIN success: 900 then 903, then the welcome after CAP END', async () => {
    const { c, alice } = await withUser();
    c.send('CAP LS 302');
    c.send('NICK whatever');
    c.send('USER a 0 * :A');
    c.send('CAP REQ :sasl');
    await c.next((l) => l.params[1] === 'ACK');
    c.send('AUTHENTICATE PLAIN');
    expect((await c.cmd('AUTHENTICATE')).params).toEqual(['+']);
    c.send(`AUTHENTICATE ${b64('\0alice\0correct horse')}`);
    const logged = await c.cmd('900');
    expect(logged.params[2]).toBe(alice.id);
    await c.cmd('903');
    c.send('CAP END');
    const w = await c.cmd('001');
    // The nick is the od nickname, whatever NICK the client asked for first.
    expect(w.params[0]).toBe('alice');
  });

  it('SASL PLAIN with a wrong password: 904, and registration then fails with 464', async () => {
    const { c } = await withUser();
    c.send('CAP LS 302');
    c.send('CAP REQ :sasl');
    c.send('AUTHENTICATE PLAIN');
    await c.cmd('AUTHENTICATE');
    c.send(`AUTHENTICATE ${b64('\0alice\0wrong')}`);
    await c.cmd('904');
    c.send('NICK alice');
    c.send('USER a 0 * :A');
    c.send('CAP END');
    await c.cmd('464');
    await c.cmd('ERROR');
    await c.waitClosed();
  });

  it('AUTHENTICATE * aborts with 906', async () => {
    const { c } = await withUser();
    c.send('CAP LS 302');
    c.send('AUTHENTICATE PLAIN');
    await c.cmd('AUTHENTICATE');
    c.send('AUTHENTICATE *');
    await c.cmd('906');
  });

  it('a SASL payload chunk over 400 bytes gets 905', async () => {
    const { c } = await withUser();
    c.send('AUTHENTICATE PLAIN');
    await c.cmd('AUTHENTICATE');
    c.send(`AUTHENTICATE ${'A'.repeat(404)}`);
    await c.cmd('905');
  });

  it('a 400-byte chunk means more follows: nothing is answered until the last chunk', async () => {
    const { c } = await withUser();
    c.send('AUTHENTICATE PLAIN');
    await c.cmd('AUTHENTICATE');
    // Valid base64 of exactly 400 characters, not a PLAIN payload: judged only when the client says it ended.
    c.send(`AUTHENTICATE ${b64('x'.repeat(300))}`);
    const meanwhile = await c.sync();
    expect(meanwhile.filter((l) => /^9\d\d$/.test(l.command))).toEqual([]);
    c.send('AUTHENTICATE +');
    await c.cmd('904');
  });

  it('an unknown mechanism gets 908 and 904', async () => {
    const { c } = await withUser();
    c.send('AUTHENTICATE SCRAM-SHA-256');
    expect((await c.cmd('908')).params[1]).toBe('PLAIN');
    await c.cmd('904');
  });

  it('PASS user:password logs in without SASL', async () => {
    const { c } = await withUser();
    c.send('PASS :alice:correct horse');
    c.send('NICK x');
    c.send('USER x 0 * :x');
    expect((await c.cmd('001')).params[0]).toBe('alice');
  });

  it('no credentials: 464 and ERROR, the link closes', async () => {
    const { c } = await withUser();
    c.send('NICK x');
    c.send('USER x 0 * :x');
    await c.cmd('464');
    await c.cmd('ERROR');
    await c.waitClosed();
  });

  it('an account with two-factor login gets 904 and a notice about app passwords', async () => {
    const server = await h.ircServer();
    const alice = await member(server.url, 'alice');
    const ws = await h.connect(server.url, alice.token);
    const { secret } = await ws.call('twofa.setup');
    await ws.call('twofa.enable', { code: totpAt(secret, Date.now()) });
    const c = await h.irc(server.ircPort);
    c.send('AUTHENTICATE PLAIN');
    await c.cmd('AUTHENTICATE');
    c.send(`AUTHENTICATE ${b64('\0alice\0correct horse')}`);
    const note = await c.cmd('NOTICE');
    expect(note.params[1]).toMatch(/two-factor/);
    expect(note.params[1]).toMatch(/app password/);
    await c.cmd('904');
  });

  it('commands other than registration ones before registering get 451', async () => {
    const { c } = await withUser();
    c.send('JOIN #general');
    expect((await c.cmd('451')).params[1]).toMatch(/registered/);
  });

  it('USER with too few parameters gets 461', async () => {
    const { c } = await withUser();
    c.send('USER alice');
    expect((await c.cmd('461')).params[1]).toBe('USER');
  });

  it('NICK without a nickname gets 431', async () => {
    const { c } = await withUser();
    c.send('NICK');
    await c.cmd('431');
  });

  it('the welcome is 001–005 then 422 when there is no MOTD; 005 advertises the gateway', async () => {
    const { c } = await withUser();
    const lines = await c.login('alice');
    const codes = lines.map((l) => l.command).filter((x) => /^\d{3}$/.test(x));
    expect(codes.slice(codes.indexOf('001'), codes.indexOf('001') + 4)).toEqual(['001', '002', '003', '004']);
    const isupport = lines.filter((l) => l.command === '005').flatMap((l) => l.params.slice(1, -1));
    for (const t of ['CASEMAPPING=ascii', 'CHANTYPES=#&', 'PREFIX=(qao)~&@', 'NETWORK=od', 'UTF8ONLY', 'CHATHISTORY=100']) expect(isupport).toContain(t);
    expect(codes).toContain('422');
  });

  it('a MOTD is sent as 375/372/376', async () => {
    const server = await h.ircServer({ irc: { listen: { host: '127.0.0.1', port: 0 }, motd: ['hello there'] } });
    await member(server.url, 'alice');
    const c = await h.irc(server.ircPort);
    const lines = await c.login('alice');
    expect(lines.some((l) => l.command === '375')).toBe(true);
    expect(lines.find((l) => l.command === '372')!.params[1]).toBe('- hello there');
  });

  it('USER or PASS after registration gets 462', async () => {
    const { c } = await withUser();
    await c.login('alice');
    c.send('USER a 0 * :a');
    await c.cmd('462');
  });

  it('PING is answered with PONG carrying the token', async () => {
    const { c } = await withUser();
    c.send('PING :abc def');
    const pong = await c.cmd('PONG');
    expect(pong.params[pong.params.length - 1]).toBe('abc def');
  });

  it('PING without a token gets 409', async () => {
    const { c } = await withUser();
    c.send('PING');
    await c.cmd('409');
  });

  it('a client that never registers is closed after the registration timeout', async () => {
    const server = await h.ircServer({ irc: { listen: { host: '127.0.0.1', port: 0 }, registrationTimeoutMs: 300 } });
    const c = await h.irc(server.ircPort);
    const err = await c.cmd('ERROR');
    expect(err.params[0]).toMatch(/Registration timed out/);
    await c.waitClosed();
  });

  it('a silent client is sent PING, and closed when it never answers', async () => {
    const server = await h.ircServer({ irc: { listen: { host: '127.0.0.1', port: 0 }, pingIntervalMs: 200 } });
    await member(server.url, 'alice');
    const c = await h.irc(server.ircPort);
    await c.login('alice');
    c.autoPong = false;
    await c.cmd('PING');
    const err = await c.cmd('ERROR');
    expect(err.params[0]).toMatch(/Ping timeout/);
  });

  it('QUIT closes the link with an ERROR', async () => {
    const { c } = await withUser();
    await c.login('alice');
    c.send('QUIT :bye');
    expect((await c.cmd('ERROR')).params[0]).toMatch(/bye/);
    await c.waitClosed();
  });

  it('the TLS listener speaks the same protocol', async () => {
    const fixtures = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
    const pem = { cert: fs.readFileSync(path.join(fixtures, 'tls-test-cert.pem')), key: fs.readFileSync(path.join(fixtures, 'tls-test-key.pem')) };
    const server = await h.server({ tls: pem, irc: { tlsListen: { host: '127.0.0.1', port: 0 } } });
    await server.app.services.auth.signup({ username: 'alice', password: 'correct horse', nickname: 'alice' }, '127.0.0.1');
    const c = await h.irc(server.irc!.tlsPort, { tls: true });
    const lines = await c.login('alice');
    expect(lines.some((l) => l.command === '001')).toBe(true);
  });
});
