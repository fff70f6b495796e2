/*
 * CTAC's members in the directory: adding them (one by one, or people a lead found in Entra ID),
 * changing, finding, removing and listing them, each change in the audit log; and a member in words.
 * Used by Directory.
 */
import { normaliseMember, type Member, type Role } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { AuditRecorder } from './audit-log';
import type {
  AppInstallation,
  MemberRepository,
  OrganisationRepository,
  TeamMember,
} from './ports';

/**
 * Reads the team's roster as Teams gives it now (the bot passes one for the turn); undefined, or a
 * failure, when it cannot be read.
 */
export type RosterReader = () => Promise<readonly TeamMember[] | undefined>;

/** Someone found in Entra ID (through Microsoft Graph) whom a lead adds to CTAC by email. */
export interface PersonFound {
  aadObjectId: string;
  name: string;
  upn: string;
}

export interface MemberDirectoryDeps {
  orgs: OrganisationRepository;
  members: MemberRepository;
  clock: Clock;
  /** Where role and organisation changes are recorded (the audit log). */
  audit?: AuditRecorder;
  /** Installs CTAC for a new member who may not have it (Microsoft Graph, when enabled). */
  apps?: AppInstallation;
  /** The directory's role check (Directory.require). */
  require: (member: Member | undefined, role: Role, doing: string) => Member;
}

/** An admin may not take away their own admin role: another admin must. */
function refuseOwnDemotion(admin: Member, existing: Member | undefined, role: Role): void {
  if (existing?.aadObjectId === admin.aadObjectId && existing.role === 'admin' && role !== 'admin')
    throw new CtacError(
      'forbidden',
      'You cannot remove your own admin role. Ask another admin to do it.',
    );
}

/** The members, for Directory: who may change them is the directory's role check. */
export class MemberDirectory {
  constructor(private readonly deps: MemberDirectoryDeps) {}

  /**
   * Adds a person or changes their organisation and role. `teamsUserId` is their Teams id from the
   * team's roster, kept so CTAC can open a 1:1 chat before they have ever written to it; a new member
   * also gets CTAC installed for them when Graph is enabled.
   */
  async addMember(
    actor: Member | undefined,
    input: Record<string, unknown>,
    teamsUserId?: string,
  ): Promise<{ member: Member; isNew: boolean }> {
    const admin = this.deps.require(actor, 'admin', 'add members');
    const fields = normaliseMember(input);
    if (!(await this.deps.orgs.get(fields.orgCode)))
      throw new CtacError('validation', 'Please check the member details.', [
        `There is no organisation with the code ${fields.orgCode}. Add it first with "org add".`,
      ]);
    const existing = await this.deps.members.get(fields.aadObjectId);
    refuseOwnDemotion(admin, existing, fields.role);
    const member: Member = {
      ...fields,
      upn: fields.upn || existing?.upn || '',
      teamsUserId: teamsUserId || existing?.teamsUserId,
      addedAt: existing?.addedAt ?? this.deps.clock.now().toISOString(),
      addedBy: existing?.addedBy ?? admin.name,
    };
    await this.deps.members.put(member);
    if (!existing || existing.role !== member.role || existing.orgCode !== member.orgCode)
      await this.deps.audit?.record({
        action: existing ? 'member.changed' : 'member.added',
        by: admin,
        subject: member.name,
        before: existing && roleIn(existing),
        after: roleIn(member),
      });
    if (!existing) await this.deps.apps?.installFor(member.aadObjectId);
    return { member, isNew: !existing };
  }

  /**
   * A lead adds people found in Entra ID by email (see rota-people) as members of `orgCode`, before they
   * have used CTAC. As with `addMember`, each takes their Teams id from the team's roster when they are
   * in it, CTAC is installed for them when Graph is enabled, and each is recorded in the audit log. A
   * roster that cannot be read adds them all the same: their ids then come with their first message or
   * the next install in the team.
   */
  async addPeopleFound(
    lead: Member,
    people: readonly PersonFound[],
    orgCode: string,
    roster?: RosterReader,
  ): Promise<Member[]> {
    if (people.length === 0) return [];
    const teamsIds = new Map(
      ((await roster?.().catch(() => undefined)) ?? []).flatMap((p) =>
        p.teamsUserId ? [[p.aadObjectId.toLowerCase(), p.teamsUserId] as const] : [],
      ),
    );
    const added: Member[] = [];
    for (const person of people) {
      const id = person.aadObjectId.toLowerCase();
      const teamsUserId = teamsIds.get(id);
      const member: Member = {
        aadObjectId: id,
        name: person.name,
        upn: person.upn,
        orgCode,
        role: 'member',
        ...(teamsUserId ? { teamsUserId } : {}),
        addedAt: this.deps.clock.now().toISOString(),
        addedBy: lead.name,
      };
      await this.deps.members.put(member);
      // Recorded like `member add`: who added whom, when, and as what.
      await this.deps.audit?.record({
        action: 'member.added',
        by: lead,
        subject: member.name,
        after: roleIn(member),
      });
      await this.deps.apps?.installFor(id);
      added.push(member);
    }
    return added;
  }

  /**
   * Changes a member's name, email, organisation or role (admins, `member edit`). Who is changed is read
   * again by their id, never taken from the form; an admin cannot take away their own admin role.
   * Answers the member as they are now and whether anything changed (recorded as `member.changed`).
   */
  async editMember(
    actor: Member | undefined,
    aadObjectId: unknown,
    input: Record<string, unknown>,
  ): Promise<{ before: Member; member: Member; changed: boolean }> {
    const admin = this.deps.require(actor, 'admin', 'edit members');
    const id = typeof aadObjectId === 'string' ? aadObjectId.trim().toLowerCase() : '';
    const existing = id ? await this.deps.members.get(id) : undefined;
    if (!existing)
      throw new CtacError(
        'not_found',
        'That person is not a CTAC member. Type "members" to see who is.',
      );
    const fields = normaliseMember({ ...input, aadObjectId: existing.aadObjectId });
    if (!(await this.deps.orgs.get(fields.orgCode)))
      throw new CtacError('validation', 'Please check the member details.', [
        `There is no organisation with the code ${fields.orgCode.slice(0, 12)}. Add it first with "org add".`,
      ]);
    refuseOwnDemotion(admin, existing, fields.role);
    const member: Member = { ...existing, ...fields, aadObjectId: existing.aadObjectId };
    const changed = memberWords(existing) !== memberWords(member);
    if (changed) {
      await this.deps.members.put(member);
      await this.deps.audit?.record({
        action: 'member.changed',
        by: admin,
        subject: member.name,
        before: memberWords(existing),
        after: memberWords(member),
      });
    }
    return { before: existing, member, changed };
  }

  /**
   * Takes a person out of CTAC (admins): their member record goes, so every check that asks who they are
   * refuses them from then on, and their calendar links stop working. An admin cannot remove themselves,
   * so CTAC always keeps at least one admin.
   */
  async removeMember(actor: Member | undefined, aadObjectId: unknown): Promise<Member> {
    const admin = this.deps.require(actor, 'admin', 'remove members');
    const id = typeof aadObjectId === 'string' ? aadObjectId.trim().toLowerCase() : '';
    const existing = id ? await this.deps.members.get(id) : undefined;
    if (!existing)
      throw new CtacError('validation', 'Please choose who to remove.', [
        'Choose a person from the list of CTAC members.',
      ]);
    if (existing.aadObjectId === admin.aadObjectId)
      throw new CtacError('forbidden', 'You cannot remove yourself. Ask another admin to do it.');
    await this.deps.members.remove(existing.aadObjectId);
    await this.deps.audit?.record({
      action: 'member.removed',
      by: admin,
      subject: existing.name,
      before: roleIn(existing),
    });
    return existing;
  }

  /**
   * The member an admin means by `who`: their Entra id, email or sign-in name, or name (exactly, else the
   * one name containing it); with `byIdOnly` (from a card) their id and nothing else.
   */
  async findMember(who: string, doing: 'remove' | 'edit', byIdOnly = false): Promise<Member> {
    const wanted = who.trim().toLowerCase();
    if (!wanted)
      throw new CtacError('validation', `Please choose who to ${doing}.`, [
        'Choose a person from the list of CTAC members.',
      ]);
    const members = await this.deps.members.list();
    if (byIdOnly) {
      const member = members.find((m) => m.aadObjectId.toLowerCase() === wanted);
      if (member) return member;
      throw new CtacError('validation', `Please choose who to ${doing}.`, [
        'Choose a person from the list of CTAC members.',
      ]);
    }
    const matches = members.filter(
      (m) =>
        m.aadObjectId.toLowerCase() === wanted ||
        m.upn.toLowerCase() === wanted ||
        m.name.toLowerCase() === wanted,
    );
    const found =
      matches.length > 0 ? matches : members.filter((m) => m.name.toLowerCase().includes(wanted));
    if (found.length === 1) return found[0]!;
    throw new CtacError(
      'validation',
      `Please choose who to ${doing}.`,
      found.length === 0
        ? [`No CTAC member is called "${who.trim().slice(0, 60)}". Type "members" to see them.`]
        : [`${found.length} members match "${who.trim().slice(0, 60)}": give their email address.`],
    );
  }

  async listMembers(actor: Member | undefined): Promise<Member[]> {
    this.deps.require(actor, 'member', 'see the member list');
    const all = await this.deps.members.list();
    return all.sort(
      (a, b) => a.orgCode.localeCompare(b.orgCode) || a.name.localeCompare(b.name, 'en-GB'),
    );
  }
}

/** "Lead of RXC": a member's role and organisation in words, for the audit log. */
const roleIn = (m: Pick<Member, 'role' | 'orgCode'>): string =>
  `${m.role[0]!.toUpperCase()}${m.role.slice(1)}${m.orgCode ? ` of ${m.orgCode}` : ''}`;

/** "Bob Jones, bob@example.nhs.uk, Lead of RXC": what `member edit` changes, in words. */
export const memberWords = (m: Pick<Member, 'name' | 'upn' | 'role' | 'orgCode'>): string =>
  [m.name, m.upn, roleIn(m)].filter(Boolean).join(', ');
