import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signup } from '@open-discord/protocol';
import { putSession } from '../packages/tui/src/config/sessions.js';
import { hasTmux, testScope, type Terminal } from './tui-support.js';
import { rmsDb } from './client-support/voice-audio.js';

/*
 * Voice in a real terminal: two `od` instances in tmux join a voice room with their audio tools replaced by
 * files (OD_VOICE_CAPTURE reads a WAV as the microphone, OD_VOICE_PLAYBACK appends the speaker's samples to a
 * file). Alice's microphone file holds a 440 Hz tone: bob's room list shows her in the room and speaking, and
 * his speaker file receives the tone. Then push-to-talk, mute and leaving, as a person would use them.
 */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-voice: tmux is not installed; skipping the real-terminal tests');

const { tempDir, server, terminal } = testScope();

function toneWav(file: string, seconds: number, freq: number): void {
  const n = Math.round(seconds * 48_000);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(48_000, 24);
  b.writeUInt32LE(96_000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(freq ? Math.round(8000 * Math.sin((2 * Math.PI * freq * i) / 48_000)) : 0, 44 + i * 2);
  fs.writeFileSync(file, b);
}

/**
 * 20 ms frames of a raw s16le file louder than -30 dBFS, counted as the file grows: only new bytes are read,
 * since the server shares this process and a poll that re-read the whole file would stall its relay.
 */
function loudCounter(file: string): () => number {
  let offset = 0;
  let loud = 0;
  return () => {
    if (!fs.existsSync(file)) return 0;
    const size = fs.statSync(file).size;
    const whole = Math.floor((size - offset) / 1920) * 1920;
    if (whole <= 0) return loud;
    const b = Buffer.alloc(whole);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, b, 0, whole, offset);
    fs.closeSync(fd);
    offset += whole;
    const pcm = new Int16Array(b.buffer, b.byteOffset, whole / 2);
    for (let at = 0; at < pcm.length; at += 960) if (rmsDb(pcm.subarray(at, at + 960)) > -30) loud++;
    return loud;
  };
}

describe.skipIf(tmuxMissing)('voice in a real terminal', () => {
  it('two od instances join a voice room with files for audio: participants, speaking marker, the tone arrives; push-to-talk, mute, leave', async () => {
    const dir = tempDir();
    const srv = await server(tempDir());
    toneWav(path.join(dir, 'tone.wav'), 6, 440);
    toneWav(path.join(dir, 'quiet.wav'), 0.2, 0);
    const od = async (username: string, capture: string, invite?: string): Promise<Terminal> => {
      const pair = await signup(srv.url, { username, password: 'correct-horse-1', nickname: username, ...(invite && { invite }) });
      const config = path.join(dir, `${username}-config`);
      putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
      const term = terminal(120, 30);
      term.start({ OD_CONFIG_DIR: config, OD_NOTIFY: 'bell', OD_VOICE_CAPTURE: path.join(dir, capture), OD_VOICE_PLAYBACK: path.join(dir, `${username}-speaker.raw`) }, []);
      await term.waitForText(new RegExp(` live .*${username}`));
      return term;
    };
    const bob = await od('bob', 'quiet.wav', srv.firstRunInvite!);
    bob.line('/create lounge --kind voice');
    await bob.waitForText('[#lounge]');
    // Enter on an empty line in a voice room joins its voice.
    bob.keys('Enter');
    await bob.waitForText('voice #lounge · open mic');
    const alice = await od('alice', 'tone.wav');
    alice.line('/join-voice #lounge');

    // Bob's speaker file gets the tone: 100 of its 300 frames in a row of polls that do not touch tmux (the
    // server shares this process, and reading the screen blocks it while tmux answers).
    const loud = loudCounter(path.join(dir, 'bob-speaker.raw'));
    const deadline = Date.now() + 20_000;
    while (loud() < 100) {
      if (Date.now() > deadline) throw new Error(`only ${loud()} loud frames in bob's speaker file`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Still talking: bob's room list has both under #lounge, alice speaking (◉); alice's status line her mic.
    const screen = await bob.waitForText(/◉ alice/);
    expect(screen).toMatch(/[○◉] bob/);
    await alice.waitForText(/voice #lounge · open mic ▮+▯* · sending/);
    // The tone ends (6 s): alice is quiet again.
    await bob.waitForText(/○ alice/, 20_000);

    // Push-to-talk: Alt+V, and its state on the status line; bare /mute mutes the mic in voice.
    alice.keys('M-v');
    await alice.waitForText('PTT on');
    alice.keys('M-v');
    await alice.waitForText('PTT off (Alt+V)');
    alice.line('/mute');
    await alice.waitForText('voice #lounge · muted');
    await bob.waitForText(/× alice/);

    alice.line('/leave-voice');
    await alice.waitFor((s) => !s.includes('voice #lounge'), 'alice out of voice');
    await bob.waitFor((s) => !/[◉○×] alice/.test(s), "alice gone from bob's room list");
  }, 120_000);
});
