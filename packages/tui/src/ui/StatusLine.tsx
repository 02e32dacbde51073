import { Box, Text } from 'ink';
import type { ConnectionStatus } from '@open-discord/protocol';
import { textWidth, truncate } from '../wrap/width.js';

export interface StatusLineProps {
  status: ConnectionStatus;
  /** Epoch ms, for the retry countdown. */
  now: number;
  room: string | null;
  topic: string;
  nick: string | null;
  width: number;
  /** Round trip of the newest lag probe (ms), shown while live. */
  lag?: number | null;
  /** "alice is typing…" for the current room, or null. */
  typing?: string | null;
  /** Unread items in the notification inbox (Alt+I), shown when there are any. */
  inbox?: number;
  /** Voice: room, mic state and level meter (see state/voice/selectors.ts), while in voice. */
  voice?: { text: string; sending: boolean } | null;
}

export function statusText(status: ConnectionStatus, now: number): { text: string; color: string } {
  switch (status.state) {
    case 'connecting':
      return { text: status.attempt > 1 ? `connecting (attempt ${status.attempt})…` : 'connecting…', color: 'yellow' };
    case 'authenticating':
      return { text: 'authenticating…', color: 'yellow' };
    case 'resyncing':
      return { text: `resyncing ${status.through}/${status.head}`, color: 'cyan' };
    case 'live':
      return { text: 'live', color: 'green' };
    case 'offline': {
      const s = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      return { text: `offline — retry in ${s}s (Alt+R now)`, color: 'red' };
    }
    case 'closed':
      return { text: `closed: ${status.reason}`, color: 'red' };
  }
}

/** "23ms", "1.4s": a round trip, to the precision that matters. */
export function formatLag(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Connection state first (it is what people look for when something seems wrong), then room and topic; on
 * the right who is typing and my nickname. The topic gives way first when the line is short.
 */
export function StatusLine({ status, now, room, topic, nick, width, typing = null, lag = null, inbox = 0, voice = null }: StatusLineProps) {
  const s = statusText(status, now);
  const left = ` ${s.text}${status.state === 'live' && lag !== null ? ` ${formatLag(lag)}` : ''} `;
  const inboxPart = inbox > 0 ? ` inbox ${inbox} ` : '';
  const nickPart = nick ? ` ${nick} ` : '';
  const roomPart = room ? ` #${room}${topic ? ` — ${topic}` : ''}` : '';
  // Voice comes right after the connection: whether the mic is live matters more than the topic.
  const voicePart = voice ? truncate(` ${voice.text} `, Math.max(0, width - textWidth(left) - textWidth(nickPart))) : '';
  let space = Math.max(0, width - textWidth(left) - textWidth(nickPart) - textWidth(inboxPart) - textWidth(voicePart));
  const typingPart = typing ? truncate(` ${typing}`, Math.max(0, space - Math.min(textWidth(roomPart), 12))) : '';
  space -= textWidth(typingPart);
  const mid = truncate(roomPart, space);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text inverse color={s.color}>
          {left}
        </Text>
        {voicePart ? (
          <Text color={voice!.sending ? 'green' : 'cyan'} bold={voice!.sending}>
            {voicePart}
          </Text>
        ) : null}
        <Text>{mid}</Text>
        <Text>{' '.repeat(Math.max(0, space - textWidth(mid)))}</Text>
        {typingPart ? (
          <Text color="yellow" italic>
            {typingPart}
          </Text>
        ) : null}
        {inboxPart ? (
          <Text color="magenta" bold>
            {inboxPart}
          </Text>
        ) : null}
        <Text dimColor>{nickPart}</Text>
      </Text>
    </Box>
  );
}
