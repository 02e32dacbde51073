import path from 'node:path';
import { type Services, withOperatorServices } from '../app.js';
import type { SweepReport } from '../features/retention/service.js';
import { openExistingStorage } from './config.js';

/** A policy in the largest whole unit (30d, 2w, 12h), as `--retention` takes it. */
export function formatPeriod(seconds: number): string {
  for (const [unit, n] of [['w', 604_800], ['d', 86_400], ['h', 3600], ['m', 60]] as const) if (seconds % n === 0) return `${seconds / n}${unit}`;
  return `${seconds}s`;
}

/**
 * `od-server retention [--dry-run]`: delete (or only count) what each room's policy has expired, now, as the
 * running server's sweeper would. Writes through the same commit steps from this process; the running server
 * picks the new horizons up as events and publishes them. The default policy is the server's `--retention`
 * (flag, OD_RETENTION, config.json), given again here when it was a flag.
 */
export async function retentionSweep(dataDir: string, o: { dryRun: boolean; retentionSec: number | null }): Promise<SweepReport> {
  // A sweep deletes messages for good: the operator's sweep is audited with its first write (a dry run writes nothing).
  const sweep = (s: Services) => s.audit.operator('retention.sweep', { retentionSec: o.retentionSec }, () => s.retention.sweep({ dryRun: o.dryRun }));
  return withOperatorServices(openExistingStorage(dataDir), sweep, {
    retentionSec: o.retentionSec,
    files: { dir: path.join(dataDir, 'files'), maxBytes: 0 },
  });
}

/** One line per room, then the totals. */
export function formatSweep(r: SweepReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const lines = r.rooms.map((x) => {
    const where = x.kind === 'text' ? `#${x.name}` : `${x.kind} ${x.roomId}`;
    const parts = [`${x.messages} message${x.messages === 1 ? '' : 's'}`];
    if (x.replies) parts.push(`(${x.replies} thread replies)`);
    if (x.reactions) parts.push(`${x.reactions} reaction${x.reactions === 1 ? '' : 's'}`);
    if (x.files) parts.push(`${x.files} file${x.files === 1 ? '' : 's'}`);
    return `${where} (keeps ${formatPeriod(x.policySec)}): ${verb} ${parts.join(', ')}`;
  });
  if (lines.length === 0) lines.push(r.dryRun ? 'nothing has expired' : 'nothing had expired');
  if (!r.dryRun && (r.files || r.blobs)) {
    const unsent = r.unsent ? ` (${r.unsent} uploaded but never sent)` : '';
    lines.push(`files no message carries any more: ${r.files} removed${unsent}, ${r.blobs} from disk`);
  }
  if (!r.dryRun && r.rooms.length) lines.push(r.scrubbed ? 'database files scrubbed' : 'database log still in use: scrubbed at the next checkpoint');
  return lines.join('\n');
}
