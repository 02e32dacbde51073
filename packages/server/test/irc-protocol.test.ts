/**
 * The gateway's message grammar (RFC 1459 §2.3.1, IRCv3 message-tags escaping) and its name mapping
 * (docs/irc.md): parsing, serialising, splitting long text, and nick/channel mapping that is deterministic,
 * valid for IRC and reversible.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatMessage, parseMessage, splitUtf8 } from '../src/transport/irc/message.js';
import { fromIrcChannel, fromIrcNick, toIrcChannel, toIrcNick } from '../src/transport/irc/names.js';
import { saslPlain } from '../src/transport/irc/sasl.js';

describe('IRC message grammar', () => {
  it('parses tags, source, command and a trailing parameter', () => {
    expect(parseMessage('@id=123;+draft/reply=abc :nick!u@h PRIVMSG #chan :hello there')).toEqual({
      tags: { id: '123', '+draft/reply': 'abc' },
      source: 'nick!u@h',
      command: 'PRIVMSG',
      params: ['#chan', 'hello there'],
    });
  });

  it('unescapes tag values (\\: \\s \\\\ \\r \\n), drops a lone trailing backslash', () => {
    expect(parseMessage('@a=x\\:y\\sz\\\\w\\r\\n;b=end\\ PING t')!.tags).toEqual({ a: 'x;y z\\w\r\n', b: 'end' });
  });

  it('a key without a value is the empty string; the last duplicate wins', () => {
    expect(parseMessage('@a;b=1;b=2 PING t')!.tags).toEqual({ a: '', b: '2' });
  });

  it('command names are case-insensitive; numerics are three digits', () => {
    expect(parseMessage('privmsg #a :b')!.command).toBe('PRIVMSG');
    expect(parseMessage('001 me :hi')!.command).toBe('001');
    expect(parseMessage('12 me')).toBeNull();
  });

  it('empty lines, tags alone and sources alone are not messages', () => {
    for (const l of ['', ' ', '@a=b', ':src', '@a=b :src']) expect(parseMessage(l)).toBeNull();
  });

  it('runs of spaces between parameters are one separator; an empty trailing parameter is kept', () => {
    expect(parseMessage('USER  a   0 * :')!.params).toEqual(['a', '0', '*', '']);
  });

  it('serialises a trailing parameter with a colon only when it needs one', () => {
    expect(formatMessage({ command: 'PRIVMSG', params: ['#a', 'word'] })).toBe('PRIVMSG #a word');
    expect(formatMessage({ command: 'PRIVMSG', params: ['#a', 'two words'] })).toBe('PRIVMSG #a :two words');
    expect(formatMessage({ command: 'PRIVMSG', params: ['#a', ''] })).toBe('PRIVMSG #a :');
    expect(formatMessage({ command: 'PRIVMSG', params: ['#a', ':x'] })).toBe('PRIVMSG #a ::x');
  });

  test.prop([fc.dictionary(fc.stringMatching(/^\+?[a-z][a-z/.-]{0,10}$/), fc.string({ maxLength: 20 })), fc.string({ maxLength: 50 }).filter((s) => !/[\r\n\0]/.test(s))])(
    'what is serialised parses back to the same tags and parameters',
    (tags, text) => {
      const line = formatMessage({ tags, source: 'a!b@c', command: 'PRIVMSG', params: ['#x', text] });
      const back = parseMessage(line)!;
      expect(back.params).toEqual(['#x', text]);
      const want = Object.fromEntries(Object.entries(tags).filter(([k]) => k !== '+'));
      expect(back.tags).toEqual(want);
    },
  );

  test.prop([fc.string({ maxLength: 3000 }), fc.integer({ min: 10, max: 400 })])('splitUtf8 keeps every character, in order, within the byte budget', (text, max) => {
    const parts = splitUtf8(text, max);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(Math.max(max, 4));
  });
});

describe('name mapping', () => {
  const IRC_NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;
  const odNick = fc.stringMatching(/^[\p{L}\p{N}_.-]{2,32}$/u);

  test.prop([odNick])('every od nickname maps to a valid IRC nick that maps back to it', (nick) => {
    const irc = toIrcNick(nick);
    expect(irc).toMatch(IRC_NICK);
    expect(fromIrcNick(irc)).toBe(nick);
  });

  test.prop([odNick, odNick])('different nicknames map to different nicks', (a, b) => {
    fc.pre(a !== b);
    expect(toIrcNick(a)).not.toBe(toIrcNick(b));
  });

  it('examples from docs/irc.md', () => {
    expect(toIrcNick('alice')).toBe('alice');
    expect(toIrcNick('john.doe')).toBe('john\\doe');
    expect(toIrcNick('José')).toBe('Jos|e9|');
    expect(toIrcNick('7of9')).toBe('|37|of9');
    expect(toIrcChannel('dev ops')).toBe('#dev\\ops');
    expect(toIrcChannel('planning', 'group')).toBe('&planning');
  });

  test.prop([fc.string({ minLength: 1, maxLength: 64 })])('every room name maps to a channel name without space, comma, colon or controls, and back', (name) => {
    const chan = toIrcChannel(name);
    expect(chan.slice(1)).not.toMatch(/[\s,:\x00-\x1f\x7f]/u);
    expect(fromIrcChannel(chan.slice(1))).toBe(name);
  });

  it('names we did not make decode to null', () => {
    expect(fromIrcNick('a|zz|b')).toBeNull();
    expect(fromIrcNick('a|12')).toBeNull();
  });
});

describe('SASL PLAIN', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('reads authcid and password; an empty authzid or the same one is accepted', () => {
    expect(saslPlain(b64('\0alice\0pw'))).toEqual({ username: 'alice', password: 'pw' });
    expect(saslPlain(b64('alice\0alice\0pw'))).toEqual({ username: 'alice', password: 'pw' });
  });
  it('refuses logging in as someone else, missing parts and bad base64', () => {
    expect(saslPlain(b64('bob\0alice\0pw'))).toBeNull();
    expect(saslPlain(b64('alice\0pw'))).toBeNull();
    expect(saslPlain('###')).toBeNull();
  });
});
