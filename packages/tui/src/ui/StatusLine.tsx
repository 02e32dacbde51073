import { Box, Text } from 'ink';
import type { ConnectionStatusLike } from '../state/wire-types.js';
import { truncate } from '../wrap/width.js';

export interface StatusLineProps {
  status: ConnectionStatusLike;
  /** Epoch ms, for the retry countdown. */
  now: number;
  room: string | null;
  topic: string;
  nick: string | null;
  width: number;
}

export function statusText(status: ConnectionStatusLike, now: number): { text: string; color: string } {
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
      return { text: `offline — retry in ${s}s`, color: 'red' };
    }
    case 'closed':
      return { text: `closed: ${status.reason}`, color: 'red' };
  }
}

/** Connection state first (it is what people look for when something seems wrong), then room and topic. */
export function StatusLine({ status, now, room, topic, nick, width }: StatusLineProps) {
  const s = statusText(status, now);
  const right = nick ? ` ${nick} ` : '';
  const left = ` ${s.text} `;
  const middle = room ? ` #${room}${topic ? ` — ${topic}` : ''}` : '';
  const space = Math.max(0, width - left.length - right.length);
  const mid = truncate(middle, space);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text inverse color={s.color}>
          {left}
        </Text>
        <Text>{mid}</Text>
        <Text>{' '.repeat(Math.max(0, space - mid.length))}</Text>
        <Text dimColor>{right}</Text>
      </Text>
    </Box>
  );
}
