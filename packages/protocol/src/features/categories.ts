import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Category, Id, Room } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';
import { name } from './text-fields.js';

// Categories and where rooms sit in them (moving a room writes room.updated, defined by rooms).

export const events = [
  ev('category.created', z.object({ category: Category })),
  ev('category.updated', z.object({ category: Category })),
  ev('category.deleted', z.object({ categoryId: Id })),
] as const;

export const requests = {
  'category.create': req({ name: name(LIMITS.categoryNameMax) }, z.object({ category: Category })),
  'category.update': req(
    {
      categoryId: Id,
      name: name(LIMITS.categoryNameMax).optional(),
      position: z.number().int().min(0).optional(),
    },
    z.object({ category: Category }),
  ),
  'category.delete': req({ categoryId: Id }, Ok),
  'room.move': req(
    { roomId: Id, categoryId: Id.nullable(), position: z.number().int().min(0).optional() },
    z.object({ room: Room }),
  ),
} as const;
