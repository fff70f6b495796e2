import type { Member } from '../../domain/people/member';
import type { Actor, EventSource } from '../../domain/shared/actor';

/** The member as the actor recorded on events and decisions. */
export const actorOf = (member: Member, source: EventSource): Actor => ({
  id: member.aadObjectId,
  name: member.name,
  source,
});
