import { z } from 'zod';
import { Id, Invite } from '../model.js';
import { Ok, req } from './request.js';

// Invite codes over the wire. Invites are private: they write no events.

export const requests = {
  /** A new invite code (needs create_invites). `roleId`: a role below your highest, granted on signup. */
  'invite.create': req(
    {
      uses: z.number().int().min(1).max(1000).optional(),
      expiresInSec: z.number().int().min(60).max(365 * 86_400).optional(),
      roleId: Id.optional(),
    },
    z.object({ invite: Invite }),
  ),
  /** Your own invites; everyone's with manage_invites. Newest first. */
  'invite.list': req({}, z.object({ invites: z.array(Invite) })),
  /** Revoke an invite by its code or its id (`inviteId`: a request frame's own `id` is its correlation id): your own, or anyone's with manage_invites. */
  'invite.revoke': req({ code: z.string().trim().min(1).max(64).optional(), inviteId: Id.optional() }, Ok),
} as const;
