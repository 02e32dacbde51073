import { useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ChatActions } from '../net/glue.js';
import type { Store } from '../state/store.js';
import { ChatScreen } from './ChatScreen.js';
import { useChatKeys } from './use-chat-keys.js';

export interface ChatAppProps {
  store: Store;
  actions: ChatActions;
  onQuit: () => void;
  now?: () => number;
}

/** The interactive chat: store → screen, keys → actions, terminal size → state, mentions → bell. */
export function ChatApp({ store, actions, onQuit, now = Date.now }: ChatAppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { stdout } = useStdout();
  const [clock, setClock] = useState(now());

  useEffect(() => {
    const onResize = () => store.dispatch({ type: 'resize', cols: stdout.columns || 80, rows: stdout.rows || 24 });
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, store]);

  // The offline countdown needs a ticking clock; nothing else does, so it only ticks while offline.
  const offline = state.status.state === 'offline';
  useEffect(() => {
    setClock(now());
    if (!offline) return;
    const t = setInterval(() => setClock(now()), 250);
    return () => clearInterval(t);
  }, [offline, state.status, now]);

  useEffect(() => {
    // BEL on a mention in a room that is not focused; terminals turn it into their own notification.
    if (state.bell > 0) stdout.write('\x07');
  }, [state.bell, stdout]);

  useChatKeys(store, actions, onQuit);
  return <ChatScreen state={state} now={clock} />;
}
