/**
 * Cuts a stream of s16le bytes (as audio tools write them, in chunks of any size, possibly splitting a
 * sample) into frames of a fixed number of samples.
 */
export class PcmFramer {
  private pending = new Uint8Array(0);

  constructor(private readonly samples: number) {}

  /** Complete frames in the bytes so far; the remainder waits for the next chunk. */
  push(chunk: Uint8Array): Int16Array[] {
    const bytes = this.samples * 2;
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
    }
    const out: Int16Array[] = [];
    let at = 0;
    for (; at + bytes <= buf.length; at += bytes) {
      const f = new Int16Array(this.samples);
      new Uint8Array(f.buffer).set(buf.subarray(at, at + bytes));
      out.push(f);
    }
    this.pending = buf.slice(at);
    return out;
  }
}

/** s16le bytes of a frame (to write to a playback tool). */
export function pcmBytes(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
