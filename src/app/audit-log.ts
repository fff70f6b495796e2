import { auditEntry, type AuditAction, type AuditEntry } from '../domain/audit/audit-entry';
import type { Member } from '../domain/people/member';
import type { Actor, EventSource } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import type { IdGenerator } from '../domain/shared/ids';
import type { Directory } from './directory';

/** Where audit entries are kept, newest first. */
export interface AuditRepository {
  add(entry: AuditEntry): Promise<void>;
  listRecent(limit: number): Promise<AuditEntry[]>;
  listAll(): Promise<AuditEntry[]>;
}

/** What a use case tells the audit log after an admin change has been saved. */
export interface AuditRecorder {
  record(change: {
    action: AuditAction;
    by: Member | Actor;
    source?: EventSource;
    subject: string;
    before?: string;
    after?: string;
  }): Promise<void>;
}

/** How many entries the `audit` card shows. */
export const AUDIT_CARD_ENTRIES = 20;

/**
 * The admins' audit log: role changes, organisations, the ICS cyber channel, risk appetite and bands,
 * escalation policies. Entries are written after the change is saved; reading it is for admins only.
 */
export class AuditLog implements AuditRecorder {
  constructor(
    private readonly repository: AuditRepository,
    private readonly directory: Pick<Directory, 'require'>,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async record(change: Parameters<AuditRecorder['record']>[0]): Promise<void> {
    const by = change.by;
    const actor: Actor =
      'aadObjectId' in by
        ? { id: by.aadObjectId, name: by.name, source: change.source ?? 'teams' }
        : by;
    await this.repository.add(
      auditEntry({
        id: this.ids.next(),
        at: this.clock.now().toISOString(),
        action: change.action,
        actor,
        subject: change.subject,
        before: change.before,
        after: change.after,
      }),
    );
  }

  /** The latest entries, newest first (admins). */
  async recent(caller: Member | undefined, limit = AUDIT_CARD_ENTRIES): Promise<AuditEntry[]> {
    this.directory.require(caller, 'admin', 'see the audit log');
    return this.repository.listRecent(limit);
  }

  /** Every entry, newest first, for the export (admins). */
  async all(caller: Member | undefined): Promise<AuditEntry[]> {
    this.directory.require(caller, 'admin', 'export the audit log');
    return this.repository.listAll();
  }
}
