/*
 * The ICS organisations in the directory (admins): adding, renaming and removing them, marking
 * operators of essential services under NIS, and listing them; each change in the audit log. Used by
 * Directory.
 */
import type { Member, Role } from '../domain/people/member';
import { normaliseOrganisation, type Organisation } from '../domain/people/organisation';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { AuditRecorder } from './audit-log';
import type { MemberRepository, OrganisationRepository } from './ports';

export interface OrganisationDirectoryDeps {
  orgs: OrganisationRepository;
  members: MemberRepository;
  clock: Clock;
  /** Where organisation changes are recorded (the audit log). */
  audit?: AuditRecorder;
  /** The directory's role check (Directory.require). */
  require: (member: Member | undefined, role: Role, doing: string) => Member;
}

/** The organisations, for Directory: who may change them is the directory's role check. */
export class OrganisationDirectory {
  constructor(private readonly deps: OrganisationDirectoryDeps) {}

  async addOrganisation(
    actor: Member | undefined,
    input: Record<string, unknown>,
  ): Promise<Organisation> {
    const admin = this.deps.require(actor, 'admin', 'add organisations');
    const fields = normaliseOrganisation(input);
    const org: Organisation = {
      ...fields,
      createdAt: this.deps.clock.now().toISOString(),
      createdBy: admin.name,
    };
    const result = await this.deps.orgs.create(org);
    if (!result.ok)
      throw new CtacError('conflict', `An organisation with the code ${org.code} already exists.`);
    await this.deps.audit?.record({
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
    const admin = this.deps.require(actor, 'admin', 'mark operators of essential services');
    const org = await this.deps.orgs.get(code.trim().toUpperCase());
    if (!org)
      throw new CtacError(
        'not_found',
        `There is no organisation with the code ${code.trim().toUpperCase().slice(0, 12)}. Type "orgs" to see them.`,
      );
    if (org.isOes === isOes) return org;
    const changed: Organisation = { ...org, isOes };
    await this.deps.orgs.put(changed);
    await this.deps.audit?.record({
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
    const admin = this.deps.require(actor, 'admin', 'edit organisations');
    const org = await this.organisationOrThrow(code);
    const fields = normaliseOrganisation({ ...input, code: org.code });
    if (fields.name !== org.name) {
      await this.deps.orgs.put({ ...org, name: fields.name });
      await this.deps.audit?.record({
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
    const admin = this.deps.require(actor, 'admin', 'remove organisations');
    const org = await this.organisationOrThrow(code);
    const members = (await this.deps.members.list()).filter((m) => m.orgCode === org.code);
    if (members.length > 0)
      throw new CtacError(
        'conflict',
        `${org.name} (${org.code}) still has ${members.length === 1 ? 'a member' : `${members.length} members`}: move them to another organisation with "member edit" or remove them with "member remove" first.`,
      );
    await this.deps.orgs.remove(org.code);
    await this.deps.audit?.record({
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
    const org = wanted ? await this.deps.orgs.get(wanted) : undefined;
    if (!org)
      throw new CtacError(
        'not_found',
        `There is no organisation with the code ${wanted.slice(0, 12)}. Type "orgs" to see them.`,
      );
    return org;
  }

  listOrganisations(): Promise<Organisation[]> {
    return this.deps.orgs
      .list()
      .then((all) => all.sort((a, b) => a.name.localeCompare(b.name, 'en-GB')));
  }
}

const oesWords = (isOes: boolean): string =>
  isOes ? 'Operator of essential services under NIS' : 'Not an operator of essential services';
