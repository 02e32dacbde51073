import type { Invite, ParsedParams } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import { type Actor, holds, requireAbove, requirePermission } from '../../core/authority.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { InviteRow } from '../accounts/repository.js';
import { insertInvite } from '../accounts/service.js';
import { EVERYONE_ROLE, OWNER_ROLE } from '../roles/repository.js';

const inviteNotFound = () => new ProtocolError('NOT_FOUND', 'invite not found');

/**
 * Invites over the wire. They are private to who may manage them, so they are never events in the shared
 * log: creating or revoking one writes a row and nothing else. A code is shown to its creator only (they
 * must be able to copy it again); a member with manage_invites sees everyone's invites by id and revokes by
 * id. The operator (actor null: the command line) sees every code.
 */
export class InvitesService {
  constructor(private readonly d: ServiceDeps) {}

  create(actor: Actor, p: ParsedParams<'invite.create'>): Promise<{ invite: Invite }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'create_invites', 'create invites');
      let roleId: string | null = null;
      if (p.roleId !== undefined) {
        const role = await store.roles.get(p.roleId);
        if (!role) throw new ProtocolError('NOT_FOUND', 'role not found');
        if (role.id === EVERYONE_ROLE) throw new ProtocolError('BAD_REQUEST', 'everyone holds the everyone role already; omit the role');
        if (role.id === OWNER_ROLE) throw new ProtocolError('FORBIDDEN', 'the owner role cannot be given by an invite');
        // As with granting: only a role strictly below the creator's highest (the owner is exempt).
        requireAbove(await access.view(), actor, role.position, `the role ${role.name}`);
        roleId = role.id;
      }
      const row = await insertInvite(store, w.now, {
        uses: p.uses ?? 1,
        expiresInMs: p.expiresInSec === undefined ? null : p.expiresInSec * 1000,
        roleId,
        createdBy: actor,
      });
      return { invite: this.toWire(row, actor) };
    });
  }

  /** The actor's own invites; everyone's for manage_invites (and the operator). Newest first. */
  async list(actor: Actor): Promise<{ invites: Invite[] }> {
    const { store, access } = this.d;
    const rows = actor === null || holds(await access.view(), actor, 'manage_invites') ? await store.credentials.invites() : await store.credentials.invites(actor);
    return { invites: rows.map((r) => this.toWire(r, actor)) };
  }

  /** Revoke by code or id: one's own invite, or anyone's with manage_invites. Others' answer NOT_FOUND. */
  revoke(actor: Actor, p: ParsedParams<'invite.revoke'>): Promise<{ ok: true }> {
    if ((p.code === undefined) === (p.inviteId === undefined)) {
      return Promise.reject(new ProtocolError('BAD_REQUEST', 'give either the invite code or its id'));
    }
    const { store, access, queue } = this.d;
    return queue.submit(async () => {
      // A code, or (from `/invite revoke X`, which takes either) an id given as the code.
      const row =
        p.code !== undefined
          ? (await store.credentials.invite(p.code.toUpperCase()) ?? await store.credentials.inviteById(p.code))
          : await store.credentials.inviteById(p.inviteId!);
      const mayRevoke = row !== null && (actor === null || row.createdBy === actor || holds(await access.view(), actor, 'manage_invites'));
      if (!row || !mayRevoke) throw inviteNotFound();
      await store.credentials.deleteInvite(row.code);
      return { ok: true as const };
    });
  }

  /** Find an invite by code or id, for the command line. */
  async find(codeOrId: string): Promise<InviteRow | null> {
    const { credentials } = this.d.store;
    return (await credentials.invite(codeOrId.trim().toUpperCase())) ?? credentials.inviteById(codeOrId.trim());
  }

  private toWire(r: InviteRow, viewer: Actor): Invite {
    const invite: Invite = {
      id: r.id,
      usesLeft: r.usesLeft,
      expiresAt: r.expiresAt,
      roleId: r.roleId,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
    };
    if (viewer === null || r.createdBy === viewer) invite.code = r.code;
    return invite;
  }
}
