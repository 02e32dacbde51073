import { refuseHeldName } from '../account-security/deletion.js';
import type { ParsedParams, PublicUser } from '@open-discord/protocol';
import { highlightKey, ProtocolError } from '@open-discord/protocol';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import { checkNickname } from '../accounts/nicknames.js';
import { publicUser } from '../accounts/users.js';

/** A user's own look: nickname, colour, status text. */
export class ProfileService {
  constructor(private readonly d: ServiceDeps) {}

  setNickname(userId: string, p: ParsedParams<'nick.set'>): Promise<{ user: PublicUser }> {
    let nickname: string;
    try {
      nickname = checkNickname(p.nickname);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.d.queue.submit(async (w) => {
      // Removed users keep their nickname reserved, so nobody can take over a kicked member's name.
      const holder = await this.d.store.users.idByNickname(nickname);
      if (holder !== null && holder !== userId) throw new ProtocolError('CONFLICT', `the nickname ${nickname} is taken`);
      if (holder === null) await refuseHeldName(this.d, 'nickname', nickname, w.now);
      if ((await this.d.store.users.byId(userId))?.nickname === nickname) return { user: await publicUser(this.d.store, (await this.d.store.users.byId(userId))!) };
      await this.d.store.users.setNickname(userId, nickname);
      return this.changed(userId, w.emit);
    });
  }

  setColor(userId: string, p: ParsedParams<'color.set'>): Promise<{ user: PublicUser }> {
    return this.d.queue.submit(async (w) => {
      const current = (await this.d.store.users.byId(userId))!;
      if (current.color === p.color) return { user: await publicUser(this.d.store, current) };
      await this.d.store.users.setColor(userId, p.color);
      return this.changed(userId, w.emit);
    });
  }

  /** The status text others see beside the name; null clears it. */
  setStatus(userId: string, p: ParsedParams<'status.set'>): Promise<{ user: PublicUser }> {
    return this.d.queue.submit(async (w) => {
      const current = (await this.d.store.users.byId(userId))!;
      if (current.statusText === p.text) return { user: await publicUser(this.d.store, current) };
      await this.d.store.users.setStatusText(userId, p.text);
      return this.changed(userId, w.emit);
    });
  }

  /**
   * Private highlight words: a message containing one (as a whole word) counts as mentioning this user in
   * their unread counts. Never shown to others, so no event: the user's other sessions see them in `state`.
   */
  setHighlights(userId: string, p: ParsedParams<'highlight.set'>): Promise<{ highlights: string[] }> {
    const words: string[] = [];
    const keys = new Set<string>();
    for (const raw of p.words) {
      const word = raw.normalize('NFKC');
      const key = highlightKey(word);
      if (keys.has(key)) continue;
      keys.add(key);
      words.push(word);
    }
    return this.d.queue.submit(async () => {
      await this.d.store.users.setHighlights(userId, words, [...keys]);
      return { highlights: words };
    });
  }

  private async changed(userId: string, emit: WriteContext['emit']): Promise<{ user: PublicUser }> {
    const user = await publicUser(this.d.store, (await this.d.store.users.byId(userId))!);
    emit({ type: 'user.updated', roomId: null, actorId: userId }, { user });
    return { user };
  }
}
