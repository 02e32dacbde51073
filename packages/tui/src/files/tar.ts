import { Buffer } from 'node:buffer';

/*
 * A minimal ustar writer: enough for the data export (regular files with short names), so the archive opens
 * with any tar and needs no dependency. Each entry is a 512-byte header, the bytes, and padding to 512.
 */

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** The header of one regular file; `name` must fit in 100 bytes (the caller keeps names short). */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // the checksum counts its own field as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** Zero bytes that bring an entry of `size` bytes to a whole block. */
export const tarPadding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** Two empty blocks end the archive. */
export const tarEnd = (): Buffer => Buffer.alloc(2 * BLOCK);

/** A safe, short entry name for a file: its id, then its name without path separators or control characters. */
export function entryName(id: string, name: string): string {
  const clean = name.replace(/[\x00-\x1f\x7f/\\]/g, '_').replace(/^\.+/, '_');
  let out = `files/${id}-${clean}`;
  while (Buffer.byteLength(out) > 100) out = out.slice(0, -1);
  return out;
}
