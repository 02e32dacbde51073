import { describe, expect, it } from 'vitest';
import { highlightHit, messageWords } from '../src/highlight.js';

describe('highlight words', () => {
  it('splits a message into nickname-shaped words, with and without trailing punctuation', () => {
    expect(messageWords('carol: hi @bob, thanks dave. see x-')).toEqual(['carol', 'hi', 'bob', 'thanks', 'dave', 'dave.', 'see', 'x', 'x-']);
    expect(messageWords('!!! ???')).toEqual([]);
  });

  it('matches whole words, case-insensitively, with compatibility forms folded', () => {
    expect(highlightHit('the DEPLOY is done', ['deploy'])).toBe(true);
    expect(highlightHit('ｄｅｐｌｏｙ now', ['Deploy'])).toBe(true);
    expect(highlightHit('redeploying', ['deploy'])).toBe(false);
    expect(highlightHit('anything', [])).toBe(false);
    expect(highlightHit('anything', undefined)).toBe(false);
  });
});

describe('the world counts highlights as the server does', () => {
  it('a highlight word counts as a mention (not my own line); my words survive user events; former users resolve', async () => {
    const { applyEvent, userById, worldFromState } = await import('../src/index.js');
    const { event, msgEvent, state, user } = await import('./helpers/fixtures.js');
    let w = worldFromState(state({ me: { ...user('u1'), username: 'alice', highlights: ['deploy'] }, formerUsers: [user('u9', { nickname: 'gone' })] }));
    expect(userById(w, 'u9')?.nickname).toBe('gone');
    w = applyEvent(w, event('user.updated', 11, { user: user('u1', { nickname: 'alice2' }) }));
    expect(w.me).toMatchObject({ nickname: 'alice2', username: 'alice', highlights: ['deploy'] });
    w = applyEvent(w, msgEvent(12, 'r1', { text: 'the Deploy is out' }));
    w = applyEvent(w, msgEvent(13, 'r1', { text: 'my deploy', authorId: 'u1' }));
    w = applyEvent(w, msgEvent(14, 'r1', { text: 'nothing here' }));
    expect(w.unread.r1).toEqual({ count: 2, mentions: 1 });
  });
});
