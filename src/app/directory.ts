import { hasRole, type Member, type Role } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { AuditRecorder } from './audit-log';
import { MemberDirectory, type PersonFound, type RosterReader } from './member-directory';
import { OrganisationDirectory } from './organisation-directory';
import type {
  AppInstallation,
  AppInstallResult,
  MemberRepository,
  OrganisationRepository,
  TeamMember,
} from './ports';

/** The person behind an activity, as Teams tells us. */
export interface Caller {
  aadObjectId?: string;
  name: string;
  upn?: string;
  teamsUserId?: string;
}

/** Organisations, members and roles: who may do what. */
export class Directory {
  /** Adding, changing and removing organisations (OrganisationDirectory). */
  private readonly organisationDirectory: OrganisationDirectory;
  /** Adding, changing, finding and removing members (MemberDirectory). */
  private readonly memberDirectory: MemberDirectory;

  constructor(
    orgs: OrganisationRepository,
    private readonly members: MemberRepository,
    private readonly clock: Clock,
    /** UPNs from CTAC_ADMINS: these people are admins from their first message. */
    private readonly bootstrapAdmins: readonly string[],
    /** Where role and organisation changes are recorded (the audit log). */
    audit?: AuditRecorder,
    /** Installs CTAC for a new member who may not have it (Microsoft Graph, when enabled). */
    private readonly apps?: AppInstallation,
  ) {
    const require = (member: Member | undefined, role: Role, doing: string) =>
      this.require(member, role, doing);
    this.organisationDirectory = new OrganisationDirectory({
      orgs,
      members,
      clock,
      audit,
      require,
    });
    this.memberDirectory = new MemberDirectory({ orgs, members, clock, audit, apps, require });
  }

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

  /** Adds an organisation (admins), recorded in the audit log. */
  addOrganisation(
    actor: Member | undefined,
    input: Record<string, unknown>,
  ): Promise<Organisation> {
    return this.organisationDirectory.addOrganisation(actor, input);
  }

  /**
   * Marks an organisation as an operator of essential services under the NIS Regulations, or not (admins):
   * alerts naming it can then be flagged as possibly reportable under NIS. Recorded in the audit log.
   */
  setEssentialServices(
    actor: Member | undefined,
    code: string,
    isOes: boolean,
  ): Promise<Organisation> {
    return this.organisationDirectory.setEssentialServices(actor, code, isOes);
  }

  /** Renames an organisation and sets its essential-services mark (admins, `org edit`). */
  editOrganisation(
    actor: Member | undefined,
    code: string,
    input: Record<string, unknown>,
  ): Promise<Organisation> {
    return this.organisationDirectory.editOrganisation(actor, code, input);
  }

  /** Takes an organisation out of the directory (admins, `org remove`): refused while it has members. */
  removeOrganisation(actor: Member | undefined, code: string): Promise<Organisation> {
    return this.organisationDirectory.removeOrganisation(actor, code);
  }

  /** The organisation with this code, or a clear `not_found`. */
  organisationOrThrow(code: string): Promise<Organisation> {
    return this.organisationDirectory.organisationOrThrow(code);
  }

  listOrganisations(): Promise<Organisation[]> {
    return this.organisationDirectory.listOrganisations();
  }

  /** Adds a person or changes their organisation and role (admins; MemberDirectory). */
  addMember(
    actor: Member | undefined,
    input: Record<string, unknown>,
    teamsUserId?: string,
  ): Promise<{ member: Member; isNew: boolean }> {
    return this.memberDirectory.addMember(actor, input, teamsUserId);
  }

  /** A lead adds people found in Entra ID by email as members of `orgCode` (MemberDirectory). */
  addPeopleFound(
    lead: Member,
    people: readonly PersonFound[],
    orgCode: string,
    roster?: RosterReader,
  ): Promise<Member[]> {
    return this.memberDirectory.addPeopleFound(lead, people, orgCode, roster);
  }

  /** Changes a member's name, email, organisation or role (admins, `member edit`; MemberDirectory). */
  editMember(
    actor: Member | undefined,
    aadObjectId: unknown,
    input: Record<string, unknown>,
  ): Promise<{ before: Member; member: Member; changed: boolean }> {
    return this.memberDirectory.editMember(actor, aadObjectId, input);
  }

  /** Takes a person out of CTAC (admins; MemberDirectory): an admin cannot remove themselves. */
  removeMember(actor: Member | undefined, aadObjectId: unknown): Promise<Member> {
    return this.memberDirectory.removeMember(actor, aadObjectId);
  }

  /** The member an admin means by `who` (MemberDirectory). */
  findMember(who: string, doing: 'remove' | 'edit', byIdOnly = false): Promise<Member> {
    return this.memberDirectory.findMember(who, doing, byIdOnly);
  }

  listMembers(actor: Member | undefined): Promise<Member[]> {
    return this.memberDirectory.listMembers(actor);
  }

  private async hasAnyAdmin(): Promise<boolean> {
    return (await this.members.list()).some((m) => m.role === 'admin');
  }
}
