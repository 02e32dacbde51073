// Medians across runs, the table (od, baseline, ngircd and the ratios od/baseline, od/ngircd), and the
// generator warnings.
export const get = (obj, key) => key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

export function median(values) {
  const nums = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (nums.length === 0) {
    const other = values.find((v) => v !== undefined && v !== null);
    return other ?? null;
  }
  const m = nums.length >> 1;
  return nums.length % 2 ? nums[m] : (nums[m - 1] + nums[m]) / 2;
}

/** Median of every figure (keys may be dotted paths into the result) over the successful runs of one server. */
export function summarise(runs, figures) {
  const ok = runs.filter((r) => r.ok).map((r) => r.result);
  const out = {};
  for (const [key] of figures) out[key] = median(ok.map((r) => get(r, key)));
  return out;
}

/**
 * How often the generator may have set the pace in one server's runs of a scenario: `bound` runs had a
 * generator process at ≥ 90 % of a core; `starved` runs had one that wanted a whole core (CPU + run-queue
 * wait ≥ 90 %) but a busy machine kept it below.
 */
export function generatorFlags(runs) {
  const ok = runs.filter((r) => r.ok).map((r) => r.result);
  return {
    runs: ok.length,
    bound: ok.filter((r) => r.generatorBound).length,
    starved: ok.filter((r) => r.generatorStarved).length,
  };
}

const fmt = (v) => {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v !== 'number') return String(v);
  if (Math.abs(v) >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};

export function ratio(od, other) {
  return typeof od === 'number' && typeof other === 'number' && other !== 0 ? Number((od / other).toFixed(2)) : null;
}

const BETTER = { higher: 'higher', lower: 'lower', info: '' };

/**
 * Rows {scenario, label, better, od, baseline, ngircd, ratioBaseline, ratioNgircd, marks} as a Markdown
 * table. `servers` are the columns to show (in this order); the ratio columns appear when od and the other
 * server are both among them. `marks[server]` is appended to that server's cell (the generator warnings).
 */
export function table(rows, servers = ['od', 'baseline']) {
  const withNgircd = servers.includes('ngircd') && rows.some((r) => r.ngircd !== null && r.ngircd !== undefined);
  const cols = servers.filter((s) => s !== 'ngircd' || withNgircd);
  const ratioCols = [];
  if (cols.includes('od') && cols.includes('baseline')) ratioCols.push(['ratioBaseline', 'od/baseline']);
  if (cols.includes('od') && withNgircd) ratioCols.push(['ratioNgircd', 'od/ngircd']);
  const head = ['scenario', 'figure', ...cols, ...ratioCols.map(([, h]) => h), 'better'];
  const body = rows.map((r) => [
    r.scenario,
    r.label,
    ...cols.map((s) => `${fmt(r[s])}${r.marks?.[s] ?? ''}`),
    ...ratioCols.map(([k]) => (r[k] === null || r[k] === undefined ? '–' : `${r[k].toFixed(2)}×`)),
    BETTER[r.better] ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
