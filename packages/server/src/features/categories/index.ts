import type { Feature } from '../feature.js';
import { registerCategoryHandlers } from './handlers.js';

/** Categories and where rooms sit in them (moving a room writes room.updated). */
export const categories: Feature = {
  name: 'categories',
  events: ['category.created', 'category.updated', 'category.deleted', 'room.updated'],
  visibilityEvents: ['room.updated'],
  register: registerCategoryHandlers,
};
