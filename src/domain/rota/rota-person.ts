import type { Member } from '../people/member';

/** A person as the rota shows them. */
export interface RotaPerson {
  id: string;
  name: string;
  orgCode: string;
  orgName: string;
  role: Member['role'];
  upn: string;
  /** The Teams user id once they have used the bot (for @mentions). */
  teamsUserId?: string;
}
