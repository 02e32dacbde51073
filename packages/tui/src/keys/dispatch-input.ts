import type { Key } from 'ink';
import type { ChatActions } from '../controllers/index.js';
import { selecting } from '../state/selection/selection.js';
import type { AppState } from '../state/app-state.js';
import type { Store } from '../state/store.js';
import { handleIntent } from './handle-intent.js';
import { resolveInput, type KeyContext } from './keymap.js';

/** Who has the keyboard: an overlay, selection mode, or the chat's input line. */
export function keyContext(state: AppState): KeyContext {
  return state.overlay ? state.overlay.kind : selecting(state) ? 'select' : 'chat';
}

const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * One chunk the terminal delivered → intents → actions. Keys typed faster than the screen reads them arrive
 * together (`kr` after Alt+S on a loaded machine): where single letters are commands (selection mode,
 * overlays) each character is a key of its own, read in the context the one before it left — else `k` and
 * `r` would be typed into the input instead of moving and opening the thread.
 */
export function dispatchInput(input: string, key: Key, store: Store, actions: ChatActions, onQuit: () => void): void {
  const context = keyContext(store.getState());
  const chars = [...input];
  if (context !== 'chat' && chars.length > 1 && !key.ctrl && !key.meta && !CONTROL.test(input)) {
    for (const ch of chars) dispatchInput(ch, key, store, actions, onQuit);
    return;
  }
  for (const intent of resolveInput(input, key, context)) handleIntent(intent, store, actions, onQuit);
}
