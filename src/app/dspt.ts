import { hasRole, type Member } from '../domain/people/member';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { DsptCommand, DsptRecord } from '../domain/suppliers';
import type { Directory } from './directory';

/** Each organisation's DSPT status, with every record kept (src/store/supplier-repository.ts). */
export interface DsptRepository {
  /** Keeps the record in the organisation's history and as its latest. */
  record(record: DsptRecord): Promise<void>;
  /** Each organisation's latest record (one partition). */
  latest(): Promise<DsptRecord[]>;
  /** One organisation's records, newest first. */
  history(orgCode: string): Promise<DsptRecord[]>;
}

/**
 * `dspt`: an organisation's lead records its DSPT status (their own organisation, from the directory);
 * admins may record any organisation's. The board pack reads `dsptStatuses()`.
 */
export class DsptStatuses {
  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'require' | 'listOrganisations'>;
      repository: DsptRepository;
      clock: Clock;
    },
  ) {}

  /**
   * Records the status for the caller's own organisation, or (admins) the one named. A lead naming
   * another organisation is refused; the date may not be in the future.
   */
  async record(actor: Member | undefined, command: DsptCommand): Promise<DsptRecord> {
    const lead = this.deps.directory.require(actor, 'lead', 'record a DSPT status');
    const orgCode = command.orgCode ?? lead.orgCode;
    if (command.orgCode && command.orgCode !== lead.orgCode && !hasRole(lead, 'admin'))
      throw new CtacError(
        'forbidden',
        'Leads record the DSPT status of their own organisation only; an admin can record another’s.',
      );
    if (!orgCode)
      throw new CtacError('validation', 'Please check the DSPT status.', [
        'Name the organisation first, as in "dspt RXC standards met".',
      ]);
    const organisations = await this.deps.directory.listOrganisations();
    if (!organisations.some((o) => o.code === orgCode))
      throw new CtacError('validation', 'Please check the DSPT status.', [
        `${orgCode} is not an organisation in CTAC.`,
      ]);
    const now = this.deps.clock.now();
    const today = ukCalendarDate(now);
    const assessedOn = command.assessedOn ?? today;
    if (assessedOn > today)
      throw new CtacError('validation', 'Please check the DSPT status.', [
        'The date of the assessment cannot be in the future.',
      ]);
    const record: DsptRecord = {
      orgCode,
      status: command.status,
      assessedOn,
      recordedAt: now.toISOString(),
      recordedBy: { id: lead.aadObjectId, name: lead.name },
    };
    await this.deps.repository.record(record);
    return record;
  }

  /** Each organisation's latest DSPT status, by organisation code (any member). */
  async list(actor: Member | undefined): Promise<Map<string, DsptRecord>> {
    this.deps.directory.require(actor, 'member', 'see DSPT statuses');
    return new Map((await this.deps.repository.latest()).map((r) => [r.orgCode, r]));
  }

  /** One organisation's records, newest first (any member). */
  async history(actor: Member | undefined, orgCode: string): Promise<DsptRecord[]> {
    this.deps.directory.require(actor, 'member', 'see DSPT statuses');
    return this.deps.repository.history(orgCode.toUpperCase());
  }

  /** Each organisation's latest DSPT status, by code, for the board pack (no caller: the pack checks its own). */
  async dsptStatuses(): Promise<DsptRecord[]> {
    return (await this.deps.repository.latest()).sort((a, b) => a.orgCode.localeCompare(b.orgCode));
  }
}
