// Medians across runs, the od/baseline table, and the JSON file.
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

const fmt = (v) => {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v !== 'number') return String(v);
  if (Math.abs(v) >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};

export function ratio(od, base) {
  return typeof od === 'number' && typeof base === 'number' && base !== 0 ? Number((od / base).toFixed(2)) : null;
}

/** Rows of [scenario, figure, od, baseline, ratio] as a Markdown table. */
export function table(rows) {
  const head = ['scenario', 'figure', 'od', 'baseline', 'od/baseline'];
  const body = rows.map((r) => [r.scenario, r.label, fmt(r.od), fmt(r.baseline), r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
