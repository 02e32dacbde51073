import type { Line } from '../../wrap/lines.js';
import { wrapText } from '../../wrap/wrap-text.js';
import { fit } from '../../wrap/width.js';
import type { RoleRow } from './roles.js';

/**
 * `/role list` as rows for a pane `width` wide: position (what `/role move` takes), name, colour, members, and
 * every permission, wrapped under its column rather than cut off.
 */
export function roleListLines(rows: readonly RoleRow[], width: number): Line[] {
  const nameWidth = Math.min(20, Math.max(4, ...rows.map((r) => r.name.length)));
  const posWidth = Math.max(3, ...rows.map((r) => String(r.position).length));
  const fixed = `${'pos'.padStart(posWidth)}  ${'name'.padEnd(nameWidth)}  colour   members  `;
  const permWidth = Math.max(12, width - fixed.length);
  const out: Line[] = [{ key: 'head', segments: [{ text: fit(`${fixed}permissions`, width), dim: true }] }];
  for (const r of rows) {
    const members = r.members === 'all' ? 'all' : String(r.members);
    const perms = (r.permissions.length ? r.permissions.join(' ') : '(none)') + (r.builtin ? ' (built-in)' : '');
    const wrapped = wrapText(perms, permWidth);
    const color = r.color ?? undefined;
    out.push({
      key: `${r.id}:0`,
      segments: [
        { text: `${String(r.position).padStart(posWidth)}  `, dim: true },
        { text: r.name.slice(0, nameWidth).padEnd(nameWidth), bold: true, ...(color && { color }) },
        { text: `  ${(r.color ?? '—').padEnd(7)}  ${members.padStart(7)}  `, dim: true },
        { text: wrapped[0] ?? '' },
      ],
    });
    wrapped.slice(1).forEach((row, i) => out.push({ key: `${r.id}:${i + 1}`, segments: [{ text: ' '.repeat(fixed.length) }, { text: row }] }));
  }
  return out;
}
