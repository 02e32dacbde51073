import { useInput } from 'ink';
import type { ChatActions } from '../controllers/index.js';
import { handleIntent } from '../keys/handle-intent.js';
import { resolveInput, type KeyContext } from '../keys/keymap.js';
import { selecting } from '../state/selection/selection.js';
import type { Store } from '../state/store.js';

/** The chat screen's keyboard: raw keys → intents (keys/) → actions (handle-intent.ts). */
export function useChatKeys(store: Store, actions: ChatActions, onQuit: () => void): void {
  useInput((input, key) => {
    actions.touch();
    const state = store.getState();
    const overlay = state.overlay;
    const context: KeyContext = overlay ? overlay.kind : selecting(state) ? 'select' : 'chat';
    for (const intent of resolveInput(input, key, context)) handleIntent(intent, store, actions, onQuit);
  });
}
