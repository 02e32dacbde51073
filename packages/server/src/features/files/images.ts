import type { Preview } from '@open-discord/protocol';
import sharp from 'sharp';
import type { ImageKind } from './sniff.js';

/** Thumbnails fit in this many pixels each way. */
export const THUMB_PX = 320;
/** The terminal preview fits in this many pixels (cells: as wide, half as tall, with half blocks). */
const PREVIEW_W = 32;
const PREVIEW_H = 16;
/** Decompression bombs: images with more pixels than this are refused. */
const MAX_PIXELS = 64_000_000;

export interface Processed {
  data: Buffer;
  width: number;
  height: number;
  thumb: Buffer;
  preview: Preview;
}

/**
 * Re-encode an uploaded image so nothing but its pixels survives: orientation is applied first (so the
 * picture still stands the right way), then it is written again in its own format without EXIF, GPS, XMP,
 * IPTC or comments (sharp keeps no metadata unless asked). Also makes the thumbnail (PNG) and the tiny
 * RGB preview a terminal draws. Throws when the bytes do not decode.
 */
export async function processImage(file: string, kind: ImageKind): Promise<Processed> {
  const animated = kind === 'gif';
  // GIFs carry no orientation; auto-orienting would also flatten their frames.
  const base = animated ? sharp(file, { animated, limitInputPixels: MAX_PIXELS }) : sharp(file, { limitInputPixels: MAX_PIXELS }).autoOrient();
  const encoded =
    kind === 'jpeg' ? base.jpeg({ quality: 90 }) : kind === 'png' ? base.png() : kind === 'webp' ? base.webp({ quality: 90 }) : base.gif();
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  const width = info.width;
  const height = info.pageHeight ?? info.height;
  const still = () => sharp(data, { limitInputPixels: MAX_PIXELS, pages: 1 });
  const thumb = await still().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  const small = await still()
    .resize(PREVIEW_W, PREVIEW_H, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#000000' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const preview: Preview = { width: small.info.width, height: small.info.height, rgb: small.data.toString('base64') };
  return { data, width, height, thumb, preview };
}
