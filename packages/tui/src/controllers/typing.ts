import type { ControllerContext } from './chat-client.js';
import { TypingThrottle } from './typing-throttle.js';

/** Text that will be sent as a message when Enter is pressed (not a slash command, not blank). */
export function isMessageDraft(text: string): boolean {
  return text.trim() !== '' && (!text.startsWith('/') || text.startsWith('//'));
}

/**
 * The typing controller: editing a message (not a command) in the current room while live tells the others,
 * throttled per room. Returns what the send controller calls when a message goes out, so that typing the next
 * one is announced at once (the others dropped the indicator when the message arrived).
 */
export function attachTyping({ client, store, now }: ControllerContext): (roomId: string) => void {
  const throttle = new TypingThrottle(now);
  store.subscribe((next, prev) => {
    const roomId = next.currentRoomId;
    if (!roomId || roomId !== prev.currentRoomId || next.input.text === prev.input.text) return;
    if (next.status.state !== 'live' || !isMessageDraft(next.input.text)) return;
    if (throttle.typed(roomId)) client.sendTyping(roomId);
  });
  return (roomId) => throttle.sent(roomId);
}
