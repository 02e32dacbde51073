import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { emptyInput } from './input-state.js';

const HISTORY_MAX = 200;

/** Editing the line also dismisses the notice: it was about what came before. */
function edit(state: AppState, text: string, cursor: number): AppState {
  return { ...state, input: { text, cursor, completion: null, historyIndex: state.input.historyIndex }, flash: null };
}

const isWordChar = (ch: string | undefined) => ch !== undefined && !/\s/.test(ch);

function wordLeft(text: string, at: number): number {
  let i = at;
  while (i > 0 && !isWordChar(text[i - 1])) i--;
  while (i > 0 && isWordChar(text[i - 1])) i--;
  return i;
}

function wordRight(text: string, at: number): number {
  let i = at;
  while (i < text.length && !isWordChar(text[i])) i++;
  while (i < text.length && isWordChar(text[i])) i++;
  return i;
}

/** Step left/right over a whole code point (surrogate pairs are one character on screen). */
function stepLeft(text: string, at: number): number {
  if (at <= 0) return 0;
  const c = text.charCodeAt(at - 1);
  return c >= 0xdc00 && c <= 0xdfff && at >= 2 ? at - 2 : at - 1;
}
function stepRight(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const c = text.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && at + 1 < text.length ? at + 2 : at + 1;
}

export function inputReducer(state: AppState, action: Action): AppState {
  const { text, cursor } = state.input;
  switch (action.type) {
    case 'input/insert':
      return edit(state, text.slice(0, cursor) + action.text + text.slice(cursor), cursor + action.text.length);
    case 'input/backspace': {
      const at = stepLeft(text, cursor);
      return edit(state, text.slice(0, at) + text.slice(cursor), at);
    }
    case 'input/delete':
      return edit(state, text.slice(0, cursor) + text.slice(stepRight(text, cursor)), cursor);
    case 'input/move': {
      const to =
        action.to === 'left'
          ? stepLeft(text, cursor)
          : action.to === 'right'
            ? stepRight(text, cursor)
            : action.to === 'home'
              ? 0
              : action.to === 'end'
                ? text.length
                : action.to === 'word-left'
                  ? wordLeft(text, cursor)
                  : wordRight(text, cursor);
      return { ...state, input: { ...state.input, cursor: to, completion: null } };
    }
    case 'input/kill': {
      if (action.what === 'line') return edit(state, '', 0);
      if (action.what === 'to-end') return edit(state, text.slice(0, cursor), cursor);
      const at = wordLeft(text, cursor);
      return edit(state, text.slice(0, at) + text.slice(cursor), at);
    }
    case 'input/set':
      return edit(state, action.text, action.text.length);
    case 'input/history': {
      const room = state.currentRoomId;
      const list = room ? (state.history[room] ?? []) : [];
      if (list.length === 0) return state;
      const cur = state.input.historyIndex;
      let idx: number | null;
      if (action.delta < 0) idx = cur === null ? list.length - 1 : Math.max(0, cur - 1);
      else idx = cur === null ? null : cur + 1 >= list.length ? null : cur + 1;
      const line = idx === null ? '' : list[idx]!;
      return { ...state, input: { text: line, cursor: line.length, completion: null, historyIndex: idx } };
    }
    case 'input/complete': {
      const first = action.candidates[0];
      if (first === undefined) return state;
      const next = text.slice(0, action.start) + first + text.slice(action.end);
      return {
        ...state,
        input: {
          text: next,
          cursor: action.start + first.length,
          historyIndex: state.input.historyIndex,
          // A single candidate is final; several keep cycling on the next Tab.
          completion:
            action.candidates.length > 1
              ? { start: action.start, end: action.start + first.length, candidates: action.candidates, index: 0 }
              : null,
        },
      };
    }
    case 'input/complete-next': {
      const c = state.input.completion;
      if (!c) return state;
      const index = (c.index + 1) % c.candidates.length;
      const word = c.candidates[index]!;
      const next = text.slice(0, c.start) + word + text.slice(c.end);
      return {
        ...state,
        input: { ...state.input, text: next, cursor: c.start + word.length, completion: { ...c, end: c.start + word.length, index } },
      };
    }
    case 'input/submitted': {
      const room = state.currentRoomId;
      let history = state.history;
      if (room && action.text.trim()) {
        const list = (history[room] ?? []).filter((l) => l !== action.text);
        history = { ...history, [room]: [...list, action.text].slice(-HISTORY_MAX) };
      }
      return { ...state, history, input: emptyInput() };
    }
    default:
      return state;
  }
}
