/*
 * What a file really is, from its first bytes. The declared type and the name are never trusted. Only the
 * formats the server treats specially are recognised — the images it re-encodes (so their metadata goes)
 * and PDF, named for display; everything else is served as an opaque download. A dependency that knows a
 * hundred formats would only change the label of files that are downloaded as bytes anyway.
 */

export type ImageKind = 'png' | 'jpeg' | 'gif' | 'webp';

export interface Sniffed {
  mime: string;
  image: ImageKind | null;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The bytes needed to tell the recognised formats apart. */
export const SNIFF_BYTES = 512;

export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, PNG)) return { mime: 'image/png', image: 'png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', image: 'jpeg' };
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return { mime: 'image/gif', image: 'gif' };
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return { mime: 'image/webp', image: 'webp' };
  if (startsWith(head, ascii('%PDF-'))) return { mime: 'application/pdf', image: null };
  if (looksLikeText(head)) return { mime: 'text/plain; charset=utf-8', image: null };
  return { mime: 'application/octet-stream', image: null };
}

/** UTF-8 without NUL or control bytes other than tab, newline, carriage return and form feed. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return false;
  try {
    // A multi-byte character cut at the end of the sample is not a reason to call the file binary.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, trimPartial(head)));
    return true;
  } catch {
    return false;
  }
}

function trimPartial(b: Uint8Array): number {
  let end = b.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i]!;
    if ((c & 0xc0) === 0x80) continue;
    if (c >= 0xc0) end -= i;
    break;
  }
  return end;
}
