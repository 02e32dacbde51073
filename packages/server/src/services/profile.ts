import type { ParsedParams, PublicUser } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { WriteContext } from './commit-queue.js';
import type { ServiceDeps } from './deps.js';
import { checkNickname } from './nicknames.js';
import { roomNotFound } from './rooms.js';
import { publicUser } from './users.js';

/** A user's own settings: nickname, colour and read markers. */
export class ProfileService {
  constructor(private readonly d: ServiceDeps) {}

  setNickname(userId: string, p: ParsedParams<'nick.set'>): Promise<{ user: PublicUser }> {
    let nickname: string;
    try {
      nickname = checkNickname(p.nickname);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.d.queue.submit((w) => {
      // Removed users keep their nickname reserved, so nobody can take over a kicked member's name.
      const holder = this.d.store.users.idByNickname(nickname);
      if (holder !== null && holder !== userId) throw new ProtocolError('CONFLICT', `the nickname ${nickname} is taken`);
      if (this.d.store.users.byId(userId)?.nickname === nickname) return { user: publicUser(this.d.store, this.d.store.users.byId(userId)!) };
      this.d.store.users.setNickname(userId, nickname);
      return this.changed(userId, w.emit);
    });
  }

  setColor(userId: string, p: ParsedParams<'color.set'>): Promise<{ user: PublicUser }> {
    return this.d.queue.submit((w) => {
      const current = this.d.store.users.byId(userId)!;
      if (current.color === p.color) return { user: publicUser(this.d.store, current) };
      this.d.store.users.setColor(userId, p.color);
      return this.changed(userId, w.emit);
    });
  }

  private changed(userId: string, emit: WriteContext['emit']): { user: PublicUser } {
    const user = publicUser(this.d.store, this.d.store.users.byId(userId)!);
    emit({ type: 'user.updated', roomId: null, actorId: userId }, { user });
    return { user };
  }

  /** Markers only move forward and never past the log's head. A no-op writes no event. */
  markRead(userId: string, p: ParsedParams<'read.mark'>): Promise<{ ok: true }> {
    return this.d.queue.submit((w) => {
      if (!this.d.access.canSeeRoom(userId, p.roomId)) throw roomNotFound();
      const order = Math.min(p.order, this.d.store.events.head());
      if (order <= this.d.store.messages.marker(userId, p.roomId)) return { ok: true as const };
      this.d.store.messages.setMarker(userId, p.roomId, order);
      w.emit(
        { type: 'read.marked', roomId: p.roomId, actorId: userId, targetUserId: userId },
        { roomId: p.roomId, order },
      );
      return { ok: true as const };
    });
  }
}
