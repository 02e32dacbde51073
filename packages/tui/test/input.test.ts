import { describe, expect, it } from 'vitest';
import { reducer } from '../src/state/reducer.js';
import { ME, boot, run } from './fixtures.js';

const type = (text: string) => ({ type: 'input/insert', text }) as const;

describe('input line', () => {
  it('edits at the cursor', () => {
    const s = run([type('helo'), { type: 'input/move', to: 'left' }, type('l'), { type: 'input/move', to: 'end' }, type('!')], boot());
    expect(s.input).toMatchObject({ text: 'hello!', cursor: 6 });
    const k = run([{ type: 'input/kill', what: 'word' }], run([type(' world')], s));
    expect(k.input.text).toBe('hello! ');
  });

  it('keeps a draft per room', () => {
    let s = run([type('half a thought')], boot());
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    expect(s.input.text).toBe('');
    s = reducer(s, type('dev draft'));
    s = reducer(s, { type: 'room/step', delta: -1 });
    expect(s.currentRoomId).toBe('r-gen');
    expect(s.input).toMatchObject({ text: 'half a thought', cursor: 14 });
    s = reducer(s, { type: 'room/index', index: 1 });
    expect(s.input.text).toBe('dev draft');
  });

  it('walks per-room input history with Up/Down', () => {
    let s = boot();
    s = reducer(s, { type: 'input/submitted', text: 'first' });
    s = reducer(s, { type: 'input/submitted', text: 'second' });
    s = reducer(s, { type: 'input/history', delta: -1 });
    expect(s.input.text).toBe('second');
    s = reducer(s, { type: 'input/history', delta: -1 });
    expect(s.input.text).toBe('first');
    s = reducer(s, { type: 'input/history', delta: -1 });
    expect(s.input.text).toBe('first');
    s = reducer(s, { type: 'input/history', delta: 1 });
    s = reducer(s, { type: 'input/history', delta: 1 });
    expect(s.input).toMatchObject({ text: '', historyIndex: null });
    // Another room has its own history.
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    expect(reducer(s, { type: 'input/history', delta: -1 }).input.text).toBe('');
  });

  it('cycles Tab completion candidates', () => {
    let s = run([type('hi a')], boot());
    s = reducer(s, { type: 'input/complete', start: 3, end: 4, candidates: ['alice ', 'anna '] });
    expect(s.input.text).toBe('hi alice ');
    s = reducer(s, { type: 'input/complete-next' });
    expect(s.input.text).toBe('hi anna ');
    s = reducer(s, { type: 'input/complete-next' });
    expect(s.input).toMatchObject({ text: 'hi alice ', cursor: 9 });
  });

  it('multiline input grows the input area and shrinks the pane', () => {
    const s = run([type('one'), type('\n'), type('two')], boot());
    expect(s.input.text).toBe('one\ntwo');
  });
});

describe('the current room is deleted', () => {
  const deleted = (roomId: string) => ({ type: 'event', event: { type: 'room.deleted', order: 50, id: 'e50', roomId, actorId: ME, createdAt: 0, data: { roomId } } }) as const;

  it('does not carry the draft into the next room, and drops the deleted room\'s draft and history', () => {
    let s = run([{ type: 'input/submitted', text: 'sent in general' }, type('secret for general')], boot());
    expect(s.currentRoomId).toBe('r-gen');
    s = reducer(s, deleted('r-gen'));
    expect(s.currentRoomId).toBe('r-dev');
    expect(s.input.text).toBe('');
    expect(s.drafts['r-gen']).toBeUndefined();
    expect(s.history['r-gen']).toBeUndefined();
    expect(s.flash?.text).toBe('#general was deleted — now in #dev');
  });

  it('restores the draft the next room had', () => {
    let s = run([{ type: 'room/select', roomId: 'r-dev' }, type('dev draft'), { type: 'room/select', roomId: 'r-gen' }, type('gen draft')], boot());
    s = reducer(s, deleted('r-gen'));
    expect(s.currentRoomId).toBe('r-dev');
    expect(s.input.text).toBe('dev draft');
  });
});
