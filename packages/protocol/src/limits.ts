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
  categoryNameMax: 64,
  roleNameMax: 32,
  /** Events per `sync` page and replay page. */
  syncPageSize: 1000,
  /** Largest `history` page. */
  historyMaxLimit: 200,
  nonceMax: 64,
} as const;

export const NICKNAME_RE = /^[\p{L}\p{N}_.-]+$/u;
export const USERNAME_RE = /^[a-z0-9_.-]+$/;
export const ROOM_NAME_RE = /^[\p{L}\p{N}_-]+$/u;
export const COLOR_RE = /^#[0-9a-f]{6}$/;
