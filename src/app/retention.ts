import {
  describeRetentionCounts,
  retentionCutOff,
  totalDeleted,
  type RetentionCounts,
} from '../domain/retention/retention-period';
import { jobActor } from '../domain/shared/actor';
import { formatUkDateTime } from '../domain/shared/time';
import type { AuditRecorder } from './audit-log';

/**
 * Deletes what is past its retention (src/store/retention-store.ts). Each method deletes every record of
 * its kind that ended before `cutOff`, in batches, and answers how many it deleted; a record another
 * instance deleted meanwhile is skipped, so a pass run twice deletes nothing the second time.
 */
export interface RetentionStore {
  /** Resolved alerts, with every row they have (timeline rows, indexes, views, HSA responses). */
  deleteResolvedAlerts(cutOff: Date): Promise<number>;
  /** Closed risks, with their history, card and reminder rows. */
  deleteClosedRisks(cutOff: Date): Promise<number>;
  /** Decisions logged before the cut-off. */
  deleteDecisions(cutOff: Date): Promise<number>;
  /** Audit events recorded before the cut-off, except the retention job's own records. */
  deleteAuditEvents(cutOff: Date): Promise<number>;
}

export interface RetentionPass {
  cutOff: Date;
  counts: RetentionCounts;
}

/** The retention job's actor in the audit log. */
export const RETENTION_ACTOR = jobActor('Retention job');

/**
 * Records retention: resolved alerts, closed risks, decisions and audit events are kept `years` years
 * (RETENTION_YEARS) and then deleted, and each pass that deletes anything is recorded in the audit log
 * with the counts and the cut-off (that record is itself kept: see deleteAuditEvents).
 */
export class Retention {
  constructor(
    private readonly deps: { store: RetentionStore; audit: AuditRecorder; years: number },
  ) {}

  get years(): number {
    return this.deps.years;
  }

  /** One pass at `now`: deletes what is older than the cut-off and records what it deleted. */
  async sweep(now: Date): Promise<RetentionPass> {
    const cutOff = retentionCutOff(now, this.deps.years);
    const { store } = this.deps;
    // Alerts and risks first: an audit event or decision about them outlives them by at most a day.
    const counts: RetentionCounts = {
      resolvedAlerts: await store.deleteResolvedAlerts(cutOff),
      closedRisks: await store.deleteClosedRisks(cutOff),
      decisions: await store.deleteDecisions(cutOff),
      auditEvents: await store.deleteAuditEvents(cutOff),
    };
    if (totalDeleted(counts) > 0)
      await this.deps.audit.record({
        action: 'retention.deleted',
        by: RETENTION_ACTOR,
        subject: `Records older than ${this.deps.years} years (before ${formatUkDateTime(cutOff)})`,
        after: `Deleted ${describeRetentionCounts(counts)}. Cut-off ${cutOff.toISOString()}.`,
      });
    return { cutOff, counts };
  }
}
