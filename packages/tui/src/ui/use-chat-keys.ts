import { useInput } from 'ink';
import type { ChatActions } from '../controllers/index.js';
import { dispatchInput } from '../keys/dispatch-input.js';
import type { Store } from '../state/store.js';

/** The chat screen's keyboard: raw keys → intents (keys/) → actions (handle-intent.ts). */
export function useChatKeys(store: Store, actions: ChatActions, onQuit: () => void): void {
  useInput((input, key) => {
    actions.touch();
    dispatchInput(input, key, store, actions, onQuit);
  });
}
