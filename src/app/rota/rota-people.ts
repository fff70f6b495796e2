import type { Member } from '../../domain/people/member';
import type { RotaPerson } from '../../domain/rota/rota-person';
import { CtacError } from '../../domain/shared/errors';
import type { Directory } from '../directory';
import type { RosterReader } from '../member-directory';
import type { MemberRepository, OrganisationRepository } from '../ports';
import type { PeopleLookup } from './ports';

/** The most people added by email in one go. */
export const MAX_PEOPLE_BY_EMAIL = 20;

export interface RotaPeopleDeps {
  members: MemberRepository;
  organisations: OrganisationRepository;
  /** Makes the people found members (their Teams ids, CTAC installed for them). */
  directory: Pick<Directory, 'addPeopleFound'>;
  /** Finds people who have not used the bot yet (Microsoft Graph); absent when Graph is off. */
  lookup?: PeopleLookup;
}

/** Everyone the rota can name, by Entra object id, with their organisation. */
export async function rotaPeople(deps: RotaPeopleDeps): Promise<Map<string, RotaPerson>> {
  const [members, orgs] = await Promise.all([deps.members.list(), deps.organisations.list()]);
  const orgNames = new Map(orgs.map((o) => [o.code, o.name]));
  return new Map(
    members.map((m) => [
      m.aadObjectId.toLowerCase(),
      {
        id: m.aadObjectId.toLowerCase(),
        name: m.name,
        orgCode: m.orgCode,
        orgName: orgNames.get(m.orgCode) ?? m.orgCode,
        role: m.role,
        upn: m.upn,
        ...(m.teamsUserId ? { teamsUserId: m.teamsUserId } : {}),
      },
    ]),
  );
}

/**
 * `lead` adds people to CTAC by email or sign-in name, e.g. while setting up a rotation, before those
 * people have used the bot: each is looked up in Entra ID for their object id and name, and whoever is
 * not yet a member becomes a member of `orgCode` through the directory, which takes their Teams id from
 * the team's `roster` and installs CTAC for them. Every name is checked before anyone is added, so a
 * mistake adds nobody. Answers the people's ids in the order given. The caller checks the lead's role.
 */
export async function addPeopleBySignInName(
  deps: RotaPeopleDeps,
  lead: Member,
  wanted: readonly string[],
  orgCode: string,
  roster?: RosterReader,
): Promise<string[]> {
  const lookup = deps.lookup;
  if (!lookup)
    throw new CtacError('validation', 'Please check the people to add.', [
      'Adding people by email needs Microsoft Graph, which is not set up here. Ask an admin to add them with "member add".',
    ]);
  if (wanted.length > MAX_PEOPLE_BY_EMAIL)
    throw new CtacError('validation', 'Please check the people to add.', [
      `Add at most ${MAX_PEOPLE_BY_EMAIL} people by email at a time.`,
    ]);
  const problems: string[] = [];
  const members = await deps.members.list();
  const found: { id: string; isNew: boolean; name: string; upn: string }[] = [];
  for (const name of wanted) {
    const known = members.find((m) => m.upn.toLowerCase() === name);
    if (known) {
      found.push({
        id: known.aadObjectId.toLowerCase(),
        isNew: false,
        name: known.name,
        upn: known.upn,
      });
      continue;
    }
    const person = await lookup.findBySignInName(name);
    if (!person) {
      problems.push(`Nobody with the email or sign-in name ${name} was found in the directory.`);
      continue;
    }
    const member = members.find((m) => m.aadObjectId.toLowerCase() === person.aadObjectId);
    found.push({
      id: person.aadObjectId,
      isNew: !member,
      name: person.name,
      upn: person.upn || name,
    });
  }
  const code = orgCode.trim().toUpperCase();
  if (found.some((f) => f.isNew) && !(code && (await deps.organisations.get(code))))
    problems.push('Choose the organisation the new people belong to.');
  if (problems.length)
    throw new CtacError('validation', 'Please check the people to add.', problems);
  await deps.directory.addPeopleFound(
    lead,
    [...new Map(found.filter((f) => f.isNew).map((f) => [f.id, f])).values()].map((f) => ({
      aadObjectId: f.id,
      name: f.name,
      upn: f.upn,
    })),
    code,
    roster,
  );
  return found.map((f) => f.id);
}

/** Everyone named must be a CTAC member: the rota pages them. */
export async function requireRotaMembers(
  deps: RotaPeopleDeps,
  ids: readonly string[],
): Promise<void> {
  const people = await rotaPeople(deps);
  const unknown = ids.filter((id) => !people.has(id));
  if (unknown.length)
    throw new CtacError('validation', 'Please check the people chosen.', [
      'Everyone on the rota must be a CTAC member. Ask an admin to add them with "member add".',
    ]);
}
