import { CtacError } from '../shared/errors';
import { cleanLine } from '../shared/clean-text';
import { MAX_NAME } from './organisation';

/** Roles build on each other: a lead can do what a member can, an admin what a lead can. */
export type Role = 'member' | 'lead' | 'admin';
export const ROLES: readonly Role[] = ['member', 'lead', 'admin'];
const RANK: Record<Role, number> = { member: 1, lead: 2, admin: 3 };

/** A person in the CTAC forum, keyed by their Entra object id from the Teams activity. */
export interface Member {
  aadObjectId: string;
  name: string;
  upn: string;
  orgCode: string;
  role: Role;
  /** The Teams user id (29:...) once the person has talked to the bot; needed for 1:1 messages. */
  teamsUserId?: string;
  addedAt: string;
  addedBy: string;
}

export const hasRole = (member: Pick<Member, 'role'> | undefined, needed: Role): boolean =>
  !!member && RANK[member.role] >= RANK[needed];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export interface MemberInput {
  aadObjectId?: unknown;
  name?: unknown;
  upn?: unknown;
  orgCode?: unknown;
  role?: unknown;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;

export function normaliseMember(
  input: MemberInput,
): Pick<Member, 'aadObjectId' | 'name' | 'upn' | 'orgCode' | 'role'> {
  const problems: string[] = [];
  const aadObjectId =
    typeof input.aadObjectId === 'string' ? input.aadObjectId.trim().toLowerCase() : '';
  const name = typeof input.name === 'string' ? cleanLine(input.name) : '';
  const upn = typeof input.upn === 'string' ? input.upn.trim().toLowerCase() : '';
  const orgCode = typeof input.orgCode === 'string' ? input.orgCode.trim().toUpperCase() : '';
  const role = typeof input.role === 'string' ? input.role.trim().toLowerCase() : 'member';
  if (!GUID.test(aadObjectId)) problems.push('Choose a person from the list.');
  if (!name) problems.push('The person needs a name.');
  else if (name.length > MAX_NAME)
    problems.push(`The name must be at most ${MAX_NAME} characters.`);
  if (upn && !/^[^\s@]+@[^\s@]+$/.test(upn))
    problems.push('The sign-in name must look like name@example.nhs.uk.');
  if (!orgCode) problems.push('Choose the organisation the person belongs to.');
  if (!isRole(role)) problems.push('The role must be member, lead or admin.');
  if (problems.length)
    throw new CtacError('validation', 'Please check the member details.', problems);
  return { aadObjectId, name, upn, orgCode, role: role as Role };
}
