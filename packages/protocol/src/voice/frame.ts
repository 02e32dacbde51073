/**
 * The binary voice frame: one Opus packet and a fixed 10-byte header, sent as a binary WebSocket frame on
 * the connection that joined the voice room (the room is the connection's; a frame never names it).
 *
 *   byte 0     kind: VOICE_KIND_AUDIO (any other value is dropped, so later kinds can be added)
 *   byte 1     flags: bit 0 END — the last frame of a talk spurt (the speaker went quiet)
 *   bytes 2-3  slot (u16, big-endian): 0 from a client; the server stamps the sender's slot before relaying
 *   bytes 4-5  sequence number (u16, wraps): consecutive per sender, for reordering and loss detection
 *   bytes 6-9  timestamp (u32, wraps): the sender's capture clock in ms, carried untouched (latency measures)
 *   bytes 10-  the Opus packet (1..VOICE_MAX_PAYLOAD bytes), never decoded by the server
 *
 * Ten bytes on a ~60-byte packet: a speaker at 24 kbit/s sends 50 frames a second of about 70 bytes.
 */
export const VOICE_KIND_AUDIO = 1;
export const VOICE_HEADER_BYTES = 10;
/** The largest Opus packet (RFC 6716 §3.2.1). */
export const VOICE_MAX_PAYLOAD = 1275;
export const VOICE_FLAG_END = 1;

export interface VoiceFrame {
  /** The sender's slot in the room (0 on frames a client sends). */
  slot: number;
  seq: number;
  timestamp: number;
  /** Last frame of a talk spurt. */
  end: boolean;
  payload: Uint8Array;
}

/** The frame's bytes (a client sends them as one binary WebSocket frame). */
export function encodeVoiceFrame(f: VoiceFrame): Uint8Array {
  if (f.payload.length < 1 || f.payload.length > VOICE_MAX_PAYLOAD) throw new RangeError(`an Opus packet is 1..${VOICE_MAX_PAYLOAD} bytes`);
  const out = new Uint8Array(VOICE_HEADER_BYTES + f.payload.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, VOICE_KIND_AUDIO);
  v.setUint8(1, f.end ? VOICE_FLAG_END : 0);
  v.setUint16(2, f.slot & 0xffff);
  v.setUint16(4, f.seq & 0xffff);
  v.setUint32(6, f.timestamp >>> 0);
  out.set(f.payload, VOICE_HEADER_BYTES);
  return out;
}

/** Read a frame; null when it is not a well-formed audio frame (dropped, never an error: it is ephemeral). */
export function decodeVoiceFrame(bytes: Uint8Array): VoiceFrame | null {
  if (!isVoiceFrame(bytes)) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    slot: v.getUint16(2),
    seq: v.getUint16(4),
    timestamp: v.getUint32(6),
    end: (v.getUint8(1) & VOICE_FLAG_END) !== 0,
    payload: bytes.subarray(VOICE_HEADER_BYTES),
  };
}

/** Kind and size are right (what the server checks before relaying). */
export function isVoiceFrame(bytes: Uint8Array): boolean {
  const n = bytes.length - VOICE_HEADER_BYTES;
  return n >= 1 && n <= VOICE_MAX_PAYLOAD && bytes[0] === VOICE_KIND_AUDIO;
}

/** How far sequence number `a` is ahead of `b` on the u16 circle (negative: behind), in -32768..32767. */
export function seqDelta(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}
