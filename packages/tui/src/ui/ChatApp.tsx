import { useStdout } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatActions } from '../controllers/index.js';
import { notificationBytes, type NotifyMode } from '../notify/notify.js';
import { mentionNotice, NOTICE_TTL_MS } from '../state/notices/notices.js';
import { nextTypingExpiry } from '../state/typing/typing.js';
import type { Store } from '../state/store.js';
import { ChatScreen } from './ChatScreen.js';
import { imagePlacements, type Placement } from '../state/images/placements.js';
import { useChatKeys } from './use-chat-keys.js';

export interface ChatAppProps {
  store: Store;
  actions: ChatActions;
  onQuit: () => void;
  now?: () => number;
  /** How a mention in another room is announced (see notify/notify.ts). */
  notify?: NotifyMode;
  /** Told where the pictures of each frame are (see images/painter.ts); only given in a pixel mode. */
  onFrame?: (placements: Placement[]) => void;
}

/** The interactive chat: store → screen, keys → actions, terminal size → state, mentions → bell. */
export function ChatApp({ store, actions, onQuit, now = Date.now, notify = 'bell', onFrame }: ChatAppProps) {
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

  // The typing indicator goes away by itself: re-render when its soonest entry expires.
  const typingUntil = nextTypingExpiry(state, clock);
  useEffect(() => {
    if (typingUntil === null) return;
    const t = setTimeout(() => setClock(now()), Math.max(0, typingUntil - now()) + 1);
    return () => clearTimeout(t);
  }, [typingUntil, now]);

  // A notice fades: after its time the reducer is told to drop it (by id, so a newer notice stays).
  const flash = state.flash;
  useEffect(() => {
    if (!flash) return;
    const t = setTimeout(() => store.dispatch({ type: 'flash/expire', id: flash.id }), NOTICE_TTL_MS[flash.kind]);
    return () => clearTimeout(t);
  }, [flash, store]);

  const rung = useRef(store.getState().bell);
  useEffect(() => {
    // A mention in a room that is not focused. Written on Ink's own stream, but never through Ink's write():
    // the sequence is zero-width, so the frame on screen stays exactly what Ink believes it is.
    if (state.bell <= rung.current) return;
    rung.current = state.bell;
    const bytes = notificationBytes(notify, mentionNotice(store.getState()) ?? 'mentioned');
    if (bytes) stdout.write(bytes);
  }, [state.bell, stdout, notify, store]);

  useChatKeys(store, actions, onQuit);
  // Where this frame's pictures go, computed from the same state and clock as the frame itself.
  onFrame?.(imagePlacements(state, clock));
  return <ChatScreen state={state} now={clock} />;
}
