import QRCode from 'qrcode';

/** Light modules around the code: scanners need a quiet zone (2 is enough for phone apps; the standard says 4). */
const QUIET = 2;

/**
 * A QR code as terminal lines, two module rows per line with half blocks. Light modules (and the quiet zone)
 * are drawn as blocks, dark ones as the terminal's background: on the usual dark terminal that gives the dark-
 * on-light code scanners expect. Pure and synchronous, so a screen can draw it from state.
 */
export function qrLines(text: string): string[] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const size = modules.size;
  const light = (r: number, c: number) => r < 0 || c < 0 || r >= size || c >= size || !modules.get(r, c);
  const lines: string[] = [];
  for (let r = -QUIET; r < size + QUIET; r += 2) {
    let line = '';
    for (let c = -QUIET; c < size + QUIET; c++) {
      const top = light(r, c);
      const bottom = r + 1 < size + QUIET ? light(r + 1, c) : false;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines;
}
