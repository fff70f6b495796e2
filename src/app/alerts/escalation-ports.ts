import type { Alert, EscalationPolicy, PageResult, SeverityRank } from '../../domain/alerts';
import type { Conditional } from '../ports';

/**
 * When the escalation job should next look at an alert: one timer per alert, kept in Table Storage so a
 * restart resumes and every instance sees the same timers. A timer is a wake-up call, not the truth: the
 * job re-reads the alert and asks the domain what is due, so an early timer is harmless.
 */
export interface EscalationTimer {
  alertId: string;
  /** ISO 8601. */
  dueAt: string;
  etag: string;
}

export interface EscalationTimerStore {
  /** Sets (or moves) the alert's timer. */
  set(alertId: string, dueAt: Date): Promise<void>;
  /** Removes the alert's timer, if any. */
  clear(alertId: string): Promise<void>;
  /** Timers due at or before `now`, earliest first, at most `limit`. */
  due(now: Date, limit: number): Promise<EscalationTimer[]>;
  /**
   * Claims a due timer for one instance by moving it to `until` (a lease) on its ETag: of two instances
   * claiming the same timer, one gets `{ ok: false, reason: 'conflict' }`.
   */
  claim(timer: EscalationTimer, until: Date, by: string): Promise<Conditional<EscalationTimer>>;
  /**
   * After acting on a claimed timer: moves it to the next due time, or removes it, only if nobody
   * set it meanwhile (a newer change's timer wins).
   */
  release(claimed: EscalationTimer, next: Date | undefined): Promise<void>;
  /** Every timer's alert id (for the job's occasional check that no open alert lacks one). */
  alertIds(): Promise<Set<string>>;
}

/** The admins' escalation policies per severity rank; ranks they have not set use the defaults. */
export interface EscalationPolicyStore {
  all(): Promise<Partial<Record<SeverityRank, EscalationPolicy>>>;
  set(rank: SeverityRank, policy: EscalationPolicy): Promise<void>;
}

/**
 * One severity's stored policy with its ETag ('' when admins never set it), and a write that only lands if
 * nobody saved that severity since it was read: a stale edit form is refused, never silently overwrites.
 */
export interface VersionedPolicyStore {
  read(rank: SeverityRank): Promise<{ policy?: EscalationPolicy; etag: string }>;
  setIfUnchanged(
    rank: SeverityRank,
    policy: EscalationPolicy,
    etag: string,
  ): Promise<Conditional<string>>;
}

/** The ids of alerts that may be open, cheaply (for the escalation job's check for missing timers). */
export interface OpenAlertIndex {
  openAlertIds(): Promise<string[]>;
}

/**
 * Open alerts whose card is not known to be in the channel (a crash between storing an alert and
 * queueing its card), for the job that makes sure every alert is posted.
 */
export interface UnpostedAlertIndex {
  /**
   * Claims open alerts raised before `raisedBefore` that are not marked posted and that no instance
   * has looked at within `leaseMs`; answers the ids this instance won (a conditional write each, so
   * of several instances one looks at each).
   */
  claimUnposted(raisedBefore: Date, now: Date, leaseMs: number): Promise<string[]>;
}

/**
 * The Teams activity feed, when Microsoft Graph is configured: a page also shows there. Answers
 * whether it was sent; a failure never stops the page itself.
 */
export interface AlertActivityFeed {
  alertPaged(memberAadObjectId: string, alert: Alert): Promise<boolean>;
}

/** What Teams answered for one tracked page (AlertNotifier.page with tracking), to record on the alert. */
export interface TeamsPageOutcome {
  alertId: string;
  person: { id: string; name: string };
  /** The `seq` of the `escalated` event whose step sent the page. */
  escalationSeq: number;
  result: PageResult;
  /** When Teams took it; absent for a failure, recorded as of when it is reported. */
  at?: Date;
}
