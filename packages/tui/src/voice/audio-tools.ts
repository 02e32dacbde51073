import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';

/*
 * Microphone and speaker through the system's audio tools, found on PATH when voice starts: SoX (`rec`,
 * `play`), PulseAudio/PipeWire (`parec`, `pacat`) or ALSA (`arecord`, `aplay`), each as a raw s16le 48 kHz
 * mono pipe. No native audio binding: od stays a plain npm install. For tests and headless machines the
 * microphone can be a file (OD_VOICE_CAPTURE: a WAV or raw s16le 48 kHz mono file, read in real time and
 * followed by silence) and the speaker a file (OD_VOICE_PLAYBACK: raw s16le 48 kHz mono is appended to it).
 */

export const AUDIO_RATE = 48_000;
const FRAME_BYTES = (AUDIO_RATE / 50) * 2;

interface Tool {
  /** The program and its arguments. */
  capture?: [string, string[]];
  playback?: [string, string[]];
  /** The Debian package that has it. */
  pkg: string;
}

const RAW = ['-t', 'raw', '-r', String(AUDIO_RATE), '-e', 'signed', '-b', '16', '-c', '1'];
/** In the order tried: SoX first (it works with every sound system), then the sound servers, then ALSA. */
export const AUDIO_TOOLS: readonly Tool[] = [
  { capture: ['rec', ['-q', ...RAW, '-']], playback: ['play', ['-q', ...RAW, '-']], pkg: 'sox' },
  {
    capture: ['parec', ['--raw', '--format=s16le', `--rate=${AUDIO_RATE}`, '--channels=1', '--latency-msec=20']],
    playback: ['pacat', ['--raw', '--playback', '--format=s16le', `--rate=${AUDIO_RATE}`, '--channels=1', '--latency-msec=40']],
    pkg: 'pulseaudio-utils',
  },
  {
    capture: ['arecord', ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(AUDIO_RATE), '-c', '1']],
    playback: ['aplay', ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(AUDIO_RATE), '-c', '1']],
    pkg: 'alsa-utils',
  },
];

/** What to tell someone who has none of the tools. */
export const MISSING_TOOLS =
  'no audio tool found: install one (Debian/Ubuntu: sudo apt install sox — or pulseaudio-utils, or alsa-utils)';

export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, program);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export interface AudioOptions {
  /** A file the microphone is read from instead of a device (OD_VOICE_CAPTURE). */
  captureFile?: string;
  /** A file the speaker writes to instead of a device (OD_VOICE_PLAYBACK). */
  playbackFile?: string;
  env?: NodeJS.ProcessEnv;
}

export function audioOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AudioOptions {
  return {
    ...(env.OD_VOICE_CAPTURE && { captureFile: env.OD_VOICE_CAPTURE }),
    ...(env.OD_VOICE_PLAYBACK && { playbackFile: env.OD_VOICE_PLAYBACK }),
    env,
  };
}

/** Which commands would run, or why none can. */
export function chooseTools(o: AudioOptions): { capture: [string, string[]] | 'file'; playback: [string, string[]] | 'file' } | { missing: string } {
  const env = o.env ?? process.env;
  const find = (side: 'capture' | 'playback') => AUDIO_TOOLS.map((t) => t[side]).find((c) => c && onPath(c[0], env) !== null) ?? null;
  const capture = o.captureFile ? 'file' : find('capture');
  const playback = o.playbackFile ? 'file' : find('playback');
  if (!capture || !playback) return { missing: MISSING_TOOLS };
  return { capture, playback };
}

/** A running microphone and speaker. */
export interface AudioIo {
  /** s16le 48 kHz mono from the microphone. */
  capture: Readable;
  /** s16le 48 kHz mono to the speaker. */
  playback: Writable;
  close(): void;
}

/** The samples of a WAV file (16-bit PCM, 48 kHz, mono), or the bytes as they are for a raw file. */
function fileSamples(file: string): Buffer {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF') return b;
  let at = 12;
  let fmt: { channels: number; rate: number; bits: number } | null = null;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') fmt = { channels: b.readUInt16LE(at + 10), rate: b.readUInt32LE(at + 12), bits: b.readUInt16LE(at + 22) };
    if (id === 'data') {
      if (!fmt || fmt.channels !== 1 || fmt.rate !== AUDIO_RATE || fmt.bits !== 16) {
        throw new Error(`${file}: voice capture files are 16-bit 48 kHz mono (sox in.wav -r 48000 -c 1 -b 16 out.wav)`);
      }
      return b.subarray(at + 8, at + 8 + size);
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no audio data`);
}

/** A file played as a microphone: 20 ms every 20 ms on a clock that does not drift, then silence. */
function fileCapture(file: string): Readable {
  const samples = fileSamples(file);
  let at = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const start = Date.now();
  let sent = 0;
  const stream = new Readable({
    read() {},
    destroy(err, cb) {
      if (timer) clearTimeout(timer);
      cb(err);
    },
  });
  const tick = () => {
    const chunk = at < samples.length ? samples.subarray(at, at + FRAME_BYTES) : Buffer.alloc(FRAME_BYTES);
    at += FRAME_BYTES;
    stream.push(chunk.length === FRAME_BYTES ? chunk : Buffer.concat([chunk, Buffer.alloc(FRAME_BYTES - chunk.length)]));
    sent++;
    timer = setTimeout(tick, Math.max(0, start + sent * 20 - Date.now()));
  };
  timer = setTimeout(tick, 0);
  return stream;
}

function spawnTool([cmd, args]: [string, string[]], env: NodeJS.ProcessEnv, onExit: (why: string) => void): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'], env });
  child.on('error', (e) => onExit(`${cmd}: ${e.message}`));
  child.on('exit', (code, signal) => onExit(`${cmd} stopped (${signal ?? code})`));
  return child;
}

/**
 * Start the microphone and the speaker. `onProblem` is told when a tool stops by itself (a device went away);
 * the caller shows it and leaves voice.
 */
export function openAudio(o: AudioOptions, onProblem: (why: string) => void): AudioIo | { missing: string } {
  const tools = chooseTools(o);
  if ('missing' in tools) return tools;
  const env = o.env ?? process.env;
  let closing = false;
  const problem = (why: string) => {
    if (!closing) onProblem(why);
  };
  const children: ChildProcess[] = [];
  let capture: Readable;
  if (tools.capture === 'file') capture = fileCapture(o.captureFile!);
  else {
    const child = spawnTool(tools.capture, env, problem);
    child.stdin!.end();
    children.push(child);
    capture = child.stdout!;
  }
  let playback: Writable;
  if (tools.playback === 'file') {
    const fd = fs.openSync(o.playbackFile!, 'a');
    // Written at once, like a sound card's pipe that takes 20 ms as it plays them: through the thread pool a
    // busy disk would queue the writes, and the speaker's backlog guard would then drop audio a file can take.
    playback = new Writable({
      write(chunk: Buffer, _enc, cb) {
        try {
          fs.writeSync(fd, chunk);
          cb();
        } catch (e) {
          cb(e as Error);
        }
      },
      final(cb) {
        fs.close(fd, () => cb());
      },
    });
  } else {
    const child = spawnTool(tools.playback, env, problem);
    child.stdout!.resume();
    children.push(child);
    playback = child.stdin!;
    // The player going away mid-write is reported through its exit, not as an unhandled stream error.
    playback.on('error', () => {});
  }
  return {
    capture,
    playback,
    close() {
      closing = true;
      capture.destroy();
      playback.end();
      for (const c of children) c.kill();
    },
  };
}
