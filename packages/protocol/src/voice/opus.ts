/**
 * Opus at 48 kHz, mono, 20 ms frames, through opusscript (libopus compiled to WebAssembly). Chosen over the
 * native @discordjs/opus because it installs in seconds with nothing to compile, on every platform a client
 * runs on; it costs ~50 ms of CPU per second of audio encoded, about 5% of one core for a speaker — see
 * scripts/bench/voice.mjs, which measures both when both are installed. Loaded on first use, so bots and od
 * sessions that never join voice do not pay for it.
 */
export const VOICE_SAMPLE_RATE = 48_000;
export const VOICE_FRAME_MS = 20;
/** Samples in one 20 ms mono frame. */
export const VOICE_FRAME_SAMPLES = (VOICE_SAMPLE_RATE * VOICE_FRAME_MS) / 1000;
/** Bits per second for speech: clear voice at ~70 bytes a frame. */
export const VOICE_BITRATE = 24_000;

export interface OpusEncoder {
  /** One frame of VOICE_FRAME_SAMPLES samples → one Opus packet. */
  encode(pcm: Int16Array): Uint8Array;
  close(): void;
}

export interface OpusDecoder {
  /** One Opus packet → its samples (VOICE_FRAME_SAMPLES for our frames). */
  decode(packet: Uint8Array): Int16Array;
  /** A frame's worth of concealment for a lost packet, from the decoder's own loss concealment (PLC). */
  conceal(): Int16Array;
  close(): void;
}

interface OpusScriptInstance {
  encode(buffer: Uint8Array, frameSize: number): Uint8Array;
  decode(buffer: Uint8Array): Uint8Array;
  setBitrate(bitrate: number): void;
  delete(): void;
}
interface OpusScriptClass {
  new (rate: number, channels: number, application: number): OpusScriptInstance;
  Application: { VOIP: number };
}

let loaded: Promise<OpusScriptClass> | null = null;
function opusscript(): Promise<OpusScriptClass> {
  loaded ??= import('opusscript').then((m) => ((m as { default?: unknown }).default ?? m) as OpusScriptClass);
  return loaded;
}

const bytesOf = (pcm: Int16Array) => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
/** Samples from the decoder's bytes (copied: the decoder reuses its output memory). */
function samplesOf(bytes: Uint8Array, max: number): Int16Array {
  const n = Math.min(max, bytes.byteLength >> 1);
  const out = new Int16Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * 2));
  return out;
}

/** Encoders and decoders made synchronously, once the codec is loaded (`loadOpus`). */
export interface OpusCodec {
  encoder(o?: { bitrate?: number }): OpusEncoder;
  decoder(): OpusDecoder;
}

export async function loadOpus(): Promise<OpusCodec> {
  const Opus = await opusscript();
  return {
    encoder(o = {}) {
      const enc = new Opus(VOICE_SAMPLE_RATE, 1, Opus.Application.VOIP);
      enc.setBitrate(o.bitrate ?? VOICE_BITRATE);
      return {
        encode(pcm) {
          if (pcm.length !== VOICE_FRAME_SAMPLES) throw new RangeError(`a voice frame is ${VOICE_FRAME_SAMPLES} samples`);
          // The encoder copies the samples in and returns a fresh packet.
          return new Uint8Array(enc.encode(bytesOf(pcm), VOICE_FRAME_SAMPLES));
        },
        close: () => enc.delete(),
      };
    },
    decoder() {
      const dec = new Opus(VOICE_SAMPLE_RATE, 1, Opus.Application.VOIP);
      return {
        decode: (packet) => samplesOf(dec.decode(packet), 5760),
        // An empty packet asks libopus for concealment; it answers for its largest frame (60 ms), of which
        // one frame's worth is played.
        conceal: () => samplesOf(dec.decode(new Uint8Array(0)), VOICE_FRAME_SAMPLES),
        close: () => dec.delete(),
      };
    },
  };
}
