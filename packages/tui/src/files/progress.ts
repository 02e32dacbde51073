import { formatBytes } from '@open-discord/protocol';

const BAR = 20;

/** `uploading cat.png ▕██████░░░░░░░░░░░░░░▏ 31% 7.8 MB/25.0 MB`: one line for the notice row. */
export function progressText(verb: string, name: string, done: number, total: number): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(frac * BAR);
  return `${verb} ${name} ▕${'█'.repeat(full)}${'░'.repeat(BAR - full)}▏ ${Math.floor(frac * 100)}% ${formatBytes(done)}/${formatBytes(total)}`;
}

/** Report progress only when it moved by a step (a notice per chunk would redraw the screen hundreds of times). */
export function throttled(report: (done: number, total: number) => void, steps = 20): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const step = total > 0 ? Math.floor((done / total) * steps) : 0;
    if (step === last) return;
    last = step;
    report(done, total);
  };
}
