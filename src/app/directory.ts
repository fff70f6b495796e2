import { hasRole, normaliseMember, type Member, type Role } from '../domain/people/member';
import { normaliseOrganisation, type Organisation } from '../domain/people/organisation';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { AuditRecorder } from './audit-log';
import type {
  AppInstallation,
  AppInstallResult,
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

/** The person behind an activity, as Teams tells us. */
export interface Caller {
  aadObjectId?: string;
  name: string;
  upn?: string;
  teamsUserId?: string;
}

/** Organisations, members and roles: who may do what. */
export class Directory {
  constructor(
    private readonly orgs: OrganisationRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
    /** UPNs from CTAC_ADMINS: these people are admins from their first message. */
    private readonly bootstrapAdmins: readonly string[],
    /** Where role and organisation changes are recorded (the audit log). */
    private readonly audit?: AuditRecorder,
    /** Installs CTAC for a new member who may not have it (Microsoft Graph, when enabled). */
    private readonly apps?: AppInstallation,
  ) {}

  /**
   * A message came from this person: keeps their stored Teams id fresh. Only members are written, and
   * only when the id is new or changed (the look-up is cached, so an unchanged id costs no storage call).
   */
  async seen(caller: Pick<Caller, 'aadObjectId' | 'teamsUserId'>): Promise<void> {
    const id = caller.aadObjectId?.toLowerCase();
    if (!id || !caller.teamsUserId) return;
    const existing = await this.members.get(id);
    if (existing && existing.teamsUserId !== caller.teamsUserId)
      await this.members.put({ ...existing, teamsUserId: caller.teamsUserId });
  }

  /**
   * Records the Teams ids the team's roster gives (on install in a team and on `member add`):
   * each member found whose stored id is missing or different is updated. Answers how many changed.
   */
  async recordRoster(roster: readonly TeamMember[]): Promise<number> {
    const byId = new Map(
      roster.flatMap((p) =>
        p.teamsUserId ? [[p.aadObjectId.toLowerCase(), p.teamsUserId] as const] : [],
      ),
    );
    if (byId.size === 0) return 0;
    let changed = 0;
    for (const member of await this.members.list()) {
      const teamsUserId = byId.get(member.aadObjectId.toLowerCase());
      if (!teamsUserId || member.teamsUserId === teamsUserId) continue;
      await this.members.put({ ...member, teamsUserId });
      changed += 1;
    }
    return changed;
  }

  /** Installs CTAC for a member (Graph enabled); undefined when Graph is off. */
  async installFor(aadObjectId: string): Promise<AppInstallResult | undefined> {
    return this.apps?.installFor(aadObjectId.toLowerCase());
  }

  /**
   * Finds the caller's member record. A person listed in CTAC_ADMINS becomes an admin on first contact.
   * Only when CTAC_ADMINS is empty does the person who installs the app into a team (`installer: 'team'`)
   * while no admin exists become one: a personal or group chat install makes nobody an admin.
   */
  async identify(
    caller: Caller,
    opts: { installer?: 'team' | 'chat' } = {},
  ): Promise<Member | undefined> {
    const id = caller.aadObjectId?.toLowerCase();
    if (!id) return undefined;
    const existing = await this.members.get(id);
    if (existing) {
      if (caller.teamsUserId && existing.teamsUserId !== caller.teamsUserId) {
        const updated = { ...existing, teamsUserId: caller.teamsUserId };
        await this.members.put(updated);
        return updated;
      }
      return existing;
    }
    const upn = caller.upn?.toLowerCase() ?? '';
    const listed = upn !== '' && this.bootstrapAdmins.includes(upn);
    const firstInstaller =
      opts.installer === 'team' && this.bootstrapAdmins.length === 0 && !(await this.hasAnyAdmin());
    if (!listed && !firstInstaller) return undefined;
    const admin: Member = {
      aadObjectId: id,
      name: caller.name || upn,
      upn,
      orgCode: '',
      role: 'admin',
      teamsUserId: caller.teamsUserId,
      addedAt: this.clock.now().toISOString(),
      addedBy: listed ? 'CTAC_ADMINS' : 'installed the app',
    };
    await this.members.put(admin);
    return admin;
  }

  /** Throws a friendly `forbidden` error unless the member has the role. */
  require(member: Member | undefined, role: Role, doing: string): Member {
    if (!member)
      throw new CtacError(
        'not_a_member',
        `Only CTAC members can ${doing}. Ask an admin to add you.`,
      );
    if (!hasRole(member, role)) throw new CtacError('forbidden', `Only ${role}s can ${doing}.`);
    return member;
  }

  async addOrganisation(
    actor: Member | undefined,
    input: Record<string, unknown>,
  ): Promise<Organisation> {
    const admin = this.require(actor, 'admin', 'add organisations');
    const fields = normaliseOrganisation(input);
    const org: Organisation = {
      ...fields,
      createdAt: this.clock.now().toISOString(),
      createdBy: admin.name,
    };
    const result = await this.orgs.create(org);
    if (!result.ok)
      throw new CtacError('conflict', `An organisation with the code ${org.code} already exists.`);
    await this.audit?.record({
      action: 'organisation.added',
      by: admin,
      subject: `${org.name} (${org.code})`,
      after: oesWords(org.isOes),
    });
    return result.value;
  }

  /**
   * Marks an organisation as an operator of essential services under the NIS Regulations, or not (admins):
   * alerts naming it can then be flagged as possibly reportable under NIS. Recorded in the audit log.
   */
  async setEssentialServices(
    actor: Member | undefined,
    code: string,
    isOes: boolean,
  ): Promise<Organisation> {
    const admin = this.require(actor, 'admin', 'mark operators of essential services');
    const org = await this.orgs.get(code.trim().toUpperCase());
    if (!org)
      throw new CtacError(
        'not_found',
        `There is no organisation with the code ${code.trim().toUpperCase().slice(0, 12)}. Type "orgs" to see them.`,
      );
    if (org.isOes === isOes) return org;
    const changed: Organisation = { ...org, isOes };
    await this.orgs.put(changed);
    await this.audit?.record({
      action: 'organisation.essential',
      by: admin,
      subject: `${org.name} (${org.code})`,
      before: oesWords(org.isOes),
      after: oesWords(isOes),
    });
    return changed;
  }

  /**
   * Renames an organisation and sets its essential-services mark (admins, `org edit`). The code is its key
   * and stays; a new name is recorded as `organisation.changed`, the mark as `setEssentialServices` records it.
   */
  async editOrganisation(
    actor: Member | undefined,
    code: string,
    input: Record<string, unknown>,
  ): Promise<Organisation> {
    const admin = this.require(actor, 'admin', 'edit organisations');
    const org = await this.organisationOrThrow(code);
    const fields = normaliseOrganisation({ ...input, code: org.code });
    if (fields.name !== org.name) {
      await this.orgs.put({ ...org, name: fields.name });
      await this.audit?.record({
        action: 'organisation.changed',
        by: admin,
        subject: `${fields.name} (${org.code})`,
        before: org.name,
        after: fields.name,
      });
    }
    return this.setEssentialServices(admin, org.code, fields.isOes);
  }

  /**
   * Takes an organisation out of the directory (admins, `org remove`): refused while anyone is a member of
   * it (move or remove them first). Other records naming it (risks, alerts) are checked by the caller.
   */
  async removeOrganisation(actor: Member | undefined, code: string): Promise<Organisation> {
    const admin = this.require(actor, 'admin', 'remove organisations');
    const org = await this.organisationOrThrow(code);
    const members = (await this.members.list()).filter((m) => m.orgCode === org.code);
    if (members.length > 0)
      throw new CtacError(
        'conflict',
        `${org.name} (${org.code}) still has ${members.length === 1 ? 'a member' : `${members.length} members`}: move them to another organisation with "member edit" or remove them with "member remove" first.`,
      );
    await this.orgs.remove(org.code);
    await this.audit?.record({
      action: 'organisation.removed',
      by: admin,
      subject: `${org.name} (${org.code})`,
      before: oesWords(org.isOes),
    });
    return org;
  }

  /** The organisation with this code, or a clear `not_found`. */
  async organisationOrThrow(code: string): Promise<Organisation> {
    const wanted = code.trim().toUpperCase();
    const org = wanted ? await this.orgs.get(wanted) : undefined;
    if (!org)
      throw new CtacError(
        'not_found',
        `There is no organisation with the code ${wanted.slice(0, 12)}. Type "orgs" to see them.`,
      );
    return org;
  }

  listOrganisations(): Promise<Organisation[]> {
    return this.orgs
      .list()
      .then((all) => all.sort((a, b) => a.name.localeCompare(b.name, 'en-GB')));
  }

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
    const admin = this.require(actor, 'admin', 'add members');
    const fields = normaliseMember(input);
    if (!(await this.orgs.get(fields.orgCode)))
      throw new CtacError('validation', 'Please check the member details.', [
        `There is no organisation with the code ${fields.orgCode}. Add it first with "org add".`,
      ]);
    const existing = await this.members.get(fields.aadObjectId);
    if (
      existing &&
      existing.aadObjectId === admin.aadObjectId &&
      existing.role === 'admin' &&
      fields.role !== 'admin'
    )
      throw new CtacError(
        'forbidden',
        'You cannot remove your own admin role. Ask another admin to do it.',
      );
    const member: Member = {
      ...fields,
      upn: fields.upn || existing?.upn || '',
      teamsUserId: teamsUserId || existing?.teamsUserId,
      addedAt: existing?.addedAt ?? this.clock.now().toISOString(),
      addedBy: existing?.addedBy ?? admin.name,
    };
    await this.members.put(member);
    if (!existing || existing.role !== member.role || existing.orgCode !== member.orgCode)
      await this.audit?.record({
        action: existing ? 'member.changed' : 'member.added',
        by: admin,
        subject: member.name,
        before: existing && roleIn(existing),
        after: roleIn(member),
      });
    if (!existing) await this.apps?.installFor(member.aadObjectId);
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
        addedAt: this.clock.now().toISOString(),
        addedBy: lead.name,
      };
      await this.members.put(member);
      // Recorded like `member add`: who added whom, when, and as what.
      await this.audit?.record({
        action: 'member.added',
        by: lead,
        subject: member.name,
        after: roleIn(member),
      });
      await this.apps?.installFor(id);
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
    const admin = this.require(actor, 'admin', 'edit members');
    const id = typeof aadObjectId === 'string' ? aadObjectId.trim().toLowerCase() : '';
    const existing = id ? await this.members.get(id) : undefined;
    if (!existing)
      throw new CtacError(
        'not_found',
        'That person is not a CTAC member. Type "members" to see who is.',
      );
    const fields = normaliseMember({ ...input, aadObjectId: existing.aadObjectId });
    if (!(await this.orgs.get(fields.orgCode)))
      throw new CtacError('validation', 'Please check the member details.', [
        `There is no organisation with the code ${fields.orgCode.slice(0, 12)}. Add it first with "org add".`,
      ]);
    if (
      existing.aadObjectId === admin.aadObjectId &&
      existing.role === 'admin' &&
      fields.role !== 'admin'
    )
      throw new CtacError(
        'forbidden',
        'You cannot remove your own admin role. Ask another admin to do it.',
      );
    const member: Member = { ...existing, ...fields, aadObjectId: existing.aadObjectId };
    const changed = memberWords(existing) !== memberWords(member);
    if (changed) {
      await this.members.put(member);
      await this.audit?.record({
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
    const admin = this.require(actor, 'admin', 'remove members');
    const id = typeof aadObjectId === 'string' ? aadObjectId.trim().toLowerCase() : '';
    const existing = id ? await this.members.get(id) : undefined;
    if (!existing)
      throw new CtacError('validation', 'Please choose who to remove.', [
        'Choose a person from the list of CTAC members.',
      ]);
    if (existing.aadObjectId === admin.aadObjectId)
      throw new CtacError('forbidden', 'You cannot remove yourself. Ask another admin to do it.');
    await this.members.remove(existing.aadObjectId);
    await this.audit?.record({
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
    const members = await this.members.list();
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
    this.require(actor, 'member', 'see the member list');
    const all = await this.members.list();
    return all.sort(
      (a, b) => a.orgCode.localeCompare(b.orgCode) || a.name.localeCompare(b.name, 'en-GB'),
    );
  }

  private async hasAnyAdmin(): Promise<boolean> {
    return (await this.members.list()).some((m) => m.role === 'admin');
  }
}

const oesWords = (isOes: boolean): string =>
  isOes ? 'Operator of essential services under NIS' : 'Not an operator of essential services';

/** "Lead of RXC": a member's role and organisation in words, for the audit log. */
const roleIn = (m: Pick<Member, 'role' | 'orgCode'>): string =>
  `${m.role[0]!.toUpperCase()}${m.role.slice(1)}${m.orgCode ? ` of ${m.orgCode}` : ''}`;

/** "Bob Jones, bob@example.nhs.uk, Lead of RXC": what `member edit` changes, in words. */
export const memberWords = (m: Pick<Member, 'name' | 'upn' | 'role' | 'orgCode'>): string =>
  [m.name, m.upn, roleIn(m)].filter(Boolean).join(', ');
