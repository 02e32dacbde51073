import { REQUESTS, type CommandSpec, type RequestType } from '@open-discord/protocol';
import type { ArgKind } from '@open-discord/protocol';
import { explainIssues } from '../text/plain-words.js';
import type { Resolved } from './resolve.js';

/**
 * `extra` holds what the command says that the request has no parameter for (yet): `/create staff --role mods`
 * gives `roleIds`, which the controller applies with a second request (see controllers/create-room.ts).
 */
export type BuiltRequest =
  | { ok: true; type: RequestType; params: Record<string, unknown>; extra?: Record<string, unknown> }
  | { ok: false; message: string };

/*
 * Commands map to requests generically, so a command added to the shared table works here without new code:
 * an argument's kind names its parameter (a room is `roomId`, a nick `userId`, …), other arguments keep their
 * own name, and what the line leaves implicit comes from context (the current room, a fresh nonce).
 */
const PARAM_BY_KIND: Partial<Record<ArgKind, string>> = {
  room: 'roomId',
  nick: 'userId',
  role: 'roleId',
  category: 'categoryId',
};
/** Argument names that differ from their request parameter. */
const PARAM_BY_NAME: Record<string, string> = { message: 'messageId', roles: 'roleIds' };

export interface RequestContext {
  currentRoomId: string | null;
  nonce: () => string;
}

function shapeOf(type: RequestType): Record<string, unknown> {
  return (REQUESTS[type].params as unknown as { shape: Record<string, unknown> }).shape;
}

export function buildRequest(spec: CommandSpec, args: Record<string, Resolved>, ctx: RequestContext): BuiltRequest {
  if (spec.request === 'client' || !Object.hasOwn(REQUESTS, spec.request)) {
    return { ok: false, message: `/${spec.name} is not supported by this version of od` };
  }
  const type = spec.request as RequestType;
  const params: Record<string, unknown> = {};
  for (const arg of spec.args) {
    const value = args[arg.name];
    if (value === undefined) {
      // An optional list left out is an empty list (`/highlight` alone clears the words).
      if (arg.many && arg.optional && arg.option === undefined) params[arg.param ?? arg.name] = [];
      continue;
    }
    if (arg.kind === 'perm' && value && typeof value === 'object' && !Array.isArray(value)) {
      if (value.add.length) params.add = value.add;
      if (value.remove.length) params.remove = value.remove;
      continue;
    }
    if (arg.name === 'action') {
      // `/me waves`: the text is sent as an action message.
      params.text = value;
      params.action = true;
      continue;
    }
    const param = arg.param ?? PARAM_BY_NAME[arg.name] ?? (arg.many ? undefined : PARAM_BY_KIND[arg.kind]) ?? arg.name;
    params[param] = value;
  }
  const shape = shapeOf(type);
  // An optional argument left out of a parameter that must be given but may be null clears it
  // (`/status` alone: `{ text: null }`).
  for (const arg of spec.args) {
    const param = arg.param ?? PARAM_BY_NAME[arg.name] ?? arg.name;
    const schema = shape[param] as { safeParse(v: unknown): { success: boolean } } | undefined;
    if (arg.optional && params[param] === undefined && schema && !schema.safeParse(undefined).success && schema.safeParse(null).success) params[param] = null;
  }
  const extra: Record<string, unknown> = {};
  for (const k of Object.keys(params)) {
    if (k in shape) continue;
    extra[k] = params[k];
    delete params[k];
  }
  if ('roomId' in shape && params.roomId === undefined) {
    if (!ctx.currentRoomId) return { ok: false, message: 'join a room first' };
    params.roomId = ctx.currentRoomId;
  }
  if ('nonce' in shape && params.nonce === undefined) params.nonce = ctx.nonce();
  const check = REQUESTS[type].params.safeParse(params);
  if (!check.success) return { ok: false, message: `/${spec.name}${spec.sub ? ' ' + spec.sub : ''}: ${explainIssues(check.error.issues, type)}` };
  return Object.keys(extra).length ? { ok: true, type, params, extra } : { ok: true, type, params };
}
