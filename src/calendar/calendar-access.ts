import { hasScope, type Actor } from '../core/actor.js';

// Members' events are for people who logged in, and for API tokens with calendar:read.
export function seesMembersEvents(actor: Actor | undefined): boolean {
  if (!actor) return false;
  return actor.kind !== 'token' || hasScope(actor, 'calendar:read');
}
