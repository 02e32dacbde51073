import { LIMITS, REQUESTS } from '@open-discord/protocol';

/*
 * Validation in words. The schemas (here, in the protocol client, and on the server) report problems as zod
 * issues — `nickname: Too small: expected string to have >=2 characters` — which are for programmers. The one
 * place that turns them into sentences a person can act on is here, for issues checked on this side and for
 * the same text coming back from the server in a BAD_REQUEST.
 */

interface Range {
  subject: string;
  min: number;
  max: number;
  unit?: string;
}

const NAME_BY_REQUEST: Record<string, Range> = {
  'room.create': { subject: 'room names', min: 1, max: LIMITS.roomNameMax },
  'room.update': { subject: 'room names', min: 1, max: LIMITS.roomNameMax },
  'category.create': { subject: 'category names', min: 1, max: LIMITS.categoryNameMax },
  'category.update': { subject: 'category names', min: 1, max: LIMITS.categoryNameMax },
  'role.create': { subject: 'role names', min: 1, max: LIMITS.roleNameMax },
};

const FIELDS: Record<string, Range> = {
  nickname: { subject: 'nicknames', min: LIMITS.nicknameMin, max: LIMITS.nicknameMax },
  username: { subject: 'usernames', min: LIMITS.usernameMin, max: LIMITS.usernameMax },
  password: { subject: 'passwords', min: LIMITS.passwordMin, max: LIMITS.passwordMaxBytes, unit: 'bytes' },
  topic: { subject: 'topics', min: 0, max: LIMITS.topicMax },
  text: { subject: 'messages', min: 1, max: LIMITS.maxMessageLength },
  invite: { subject: 'invite codes', min: 1, max: 128 },
  name: { subject: 'names', min: 1, max: LIMITS.roomNameMax },
};

const FORMATS: Record<string, string> = {
  nickname: 'nicknames may contain letters, digits, _ . - only',
  username: 'usernames may contain lower-case letters, digits, _ . - only',
  color: 'colours are written #rrggbb (or a colour name, or reset)',
};

/** The parts of a zod issue this needs (zod's own type, without depending on zod here). */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
  input?: unknown;
}

function rangeOf(field: string, type: string | undefined): Range | undefined {
  return (field === 'name' && type ? NAME_BY_REQUEST[type] : undefined) ?? FIELDS[field];
}

function rangeSentence(r: Range): string {
  const unit = r.unit ?? 'characters';
  if (r.min <= 0) return `${r.subject} are at most ${r.max} ${unit}`;
  if (r.min === 1) return `${r.subject} cannot be empty and are at most ${r.max} ${unit}`;
  return r.unit ? `${r.subject} are at least ${r.min} characters and at most ${r.max} ${unit}` : `${r.subject} are ${r.min} to ${r.max} ${unit}`;
}

/** One problem in words; null when there is nothing better to say than the original. */
function sentence(field: string, problem: 'small' | 'big' | 'format' | 'missing', type: string | undefined, array: boolean): string | null {
  if (problem === 'missing') return `${field || 'a value'} is missing`;
  if (array) return field === 'roleIds' ? 'name at least one role' : null;
  if (problem === 'format') return FORMATS[field] ?? `${rangeOf(field, type)?.subject ?? field} contain characters that are not allowed`;
  if (field === 'password' && problem === 'small') return `passwords are at least ${LIMITS.passwordMin} characters`;
  const r = rangeOf(field, type);
  return r ? rangeSentence(r) : null;
}

/** zod issues (from a local check before sending `type`) as one line of sentences. */
export function explainIssues(issues: readonly IssueLike[], type?: string): string {
  const out = issues.slice(0, 3).map((i) => {
    const field = String(i.path[i.path.length - 1] ?? '');
    const problem =
      i.code === 'too_small' ? 'small' : i.code === 'too_big' ? 'big' : i.code === 'invalid_format' ? 'format' : i.code === 'invalid_type' && i.input === undefined ? 'missing' : null;
    return (problem && sentence(field, problem, type, i.origin === 'array')) ?? (field ? `${field}: ${i.message}` : i.message);
  });
  return [...new Set(out)].join('; ');
}

const ISSUE_TEXT = /^(?:([\w.]+(?:\.\w+)*): )?(Too small|Too big|Invalid string|Invalid input: expected \w+, received undefined)\b.*$/;

/**
 * A server's (or the protocol client's) BAD_REQUEST text in words: `nick.set: nickname: Too small: …` →
 * `nicknames are 2 to 32 characters`. Text that is not zod's (`you cannot remove yourself`) is kept.
 */
export function explainText(message: string): string {
  let rest = message;
  let type: string | undefined;
  const head = /^([\w.]+): /.exec(rest);
  if (head && Object.hasOwn(REQUESTS, head[1]!)) {
    type = head[1];
    rest = rest.slice(head[0].length);
  }
  const parts = rest.split('; ');
  const out = parts.map((part) => {
    const m = ISSUE_TEXT.exec(part);
    if (!m) return null;
    const field = (m[1] ?? '').split('.').pop()!;
    const kind = m[2]!;
    const problem = kind === 'Too small' ? 'small' : kind === 'Too big' ? 'big' : kind === 'Invalid string' ? 'format' : 'missing';
    return sentence(field, problem, type, /expected array/.test(part));
  });
  if (out.some((s) => s === null)) return message;
  return [...new Set(out as string[])].join('; ');
}
