import { Box, Text } from 'ink';
import type { RoleRow } from '../state/roles/roles.js';
import { fit } from '../wrap/width.js';

export interface RolesOverlayProps {
  rows: RoleRow[];
  width: number;
  height: number;
}

/**
 * `/role list`: every role, highest first, in its own colour, with its members and permissions. Drawn from
 * the live state, so a grant or a permission change shows while it is open. Esc closes it.
 */
export function RolesOverlay({ rows, width, height }: RolesOverlayProps) {
  const inner = Math.max(1, width - 2);
  const nameWidth = Math.min(20, Math.max(4, ...rows.map((r) => r.name.length)));
  const room = Math.max(0, height - 4);
  const shown = rows.length > room ? rows.slice(0, Math.max(0, room - 1)) : rows;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text bold color="cyan" wrap="truncate">
        roles, highest first — Esc closes
      </Text>
      <Text dimColor wrap="truncate">
        {fit(`  ${'name'.padEnd(nameWidth)}  colour   members  permissions`, inner)}
      </Text>
      {shown.map((r) => {
        const members = r.members === 'all' ? 'all' : String(r.members);
        const perms = r.permissions.length ? r.permissions.join(' ') : '(none)';
        return (
          <Text key={r.id} wrap="truncate">
            <Text color={r.color ?? undefined} dimColor={!r.color}>
              ●{' '}
            </Text>
            <Text color={r.color ?? undefined} bold>
              {r.name.slice(0, nameWidth).padEnd(nameWidth)}
            </Text>
            <Text dimColor>{`  ${(r.color ?? '—').padEnd(7)}  ${members.padStart(7)}  `}</Text>
            <Text>{perms}</Text>
            {r.builtin ? <Text dimColor> (built-in)</Text> : null}
          </Text>
        );
      })}
      {shown.length < rows.length ? <Text dimColor>… {rows.length - shown.length} more</Text> : null}
    </Box>
  );
}
