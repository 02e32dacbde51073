/** Limits shared by server and clients, so a client can refuse bad input before it reaches the wire. */
export const LIMITS = {
  /** Largest WebSocket frame the server accepts (bytes). */
  maxFrameBytes: 64 * 1024,
  /** Longest message text (characters, after trimming trailing whitespace). */
  maxMessageLength: 4000,
  /** Nicknames: 2–32 characters of letters, digits, `_`, `-`, `.`; unique case-insensitively. */
  nicknameMin: 2,
  nicknameMax: 32,
  /** Usernames (login only, never shown to others). */
  usernameMin: 3,
  usernameMax: 32,
  /** Passwords: at least 8 characters; at most 256 bytes (pre-hashed server-side, so bcrypt never truncates). */
  passwordMin: 8,
  passwordMaxBytes: 256,
  roomNameMax: 64,
  topicMax: 256,
  /** A user's status text (`status.set`). */
  statusTextMax: 128,
  /** The longest slowmode interval (`room.slowmode`): six hours, as Discord's. */
  slowmodeMaxSec: 21_600,
  /** A room's retention policy (`room.retention`): at least an hour, at most ten years (0 keeps forever). */
  retentionMinSec: 3600,
  retentionMaxSec: 315_360_000,
  categoryNameMax: 64,
  roleNameMax: 32,
  /** Events per `sync` page and replay page. */
  syncPageSize: 1000,
  /** Largest `history` page. */
  historyMaxLimit: 200,
  nonceMax: 64,
  /** Highlight words per user (`highlight.set`). */
  highlightWordsMax: 20,
  /** Files one message may carry. */
  attachmentsMax: 10,
} as const;

export const NICKNAME_RE = /^[\p{L}\p{N}_.-]+$/u;
export const USERNAME_RE = /^[a-z0-9_.-]+$/;
export const ROOM_NAME_RE = /^[\p{L}\p{N}_-]+$/u;
export const COLOR_RE = /^#[0-9a-f]{6}$/;

/**
 * Bytes `text` takes in UTF-8, without encoding it (and without Node's Buffer, so any runtime can check
 * limits). A lone surrogate counts 3, as the encoder writes U+FFFD in its place.
 */
export function utf8ByteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Members of a group chat, its creator included. */
export const GROUP_MEMBERS_MAX = 50;
