import { hasRole, type Role } from '../people/member';

/**
 * Who is told, in their own chat, that nobody will be on call: every lead, admins included (they rank
 * above leads). When none of them can be reached that way, the notice goes to the ICS cyber channel.
 */
export function whoToTellAboutGap(people: Iterable<{ id: string; role: Role }>): string[] {
  return [...people].filter((p) => hasRole(p, 'lead')).map((p) => p.id);
}
