import type { Alert } from '../domain/alerts';
import {
  CLOCK_LABELS,
  dueReminderMark,
  flagRegulatoryClock,
  hasRemindersLeft,
  recordRegulatoryReport,
  regulatoryClock,
  regulatoryClocks,
  remindRegulatoryClock,
  reminderText,
  REMINDER_MARKS,
  type RegulatoryClock,
  type RegulatoryClockKind,
  type ReportInput,
} from '../domain/alerts/regulatory-clocks';
import { hasRole, type Member } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';
import { jobActor, type Actor } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import { formatUkDateTime } from '../domain/shared/time';
import type { AlertRepository } from './alerts/ports';
import type { AuditRecorder } from './audit-log';
import { CachedValue } from './cached-value';
import type { Directory } from './directory';
import type { MemberRepository, OrganisationRepository } from './ports';

/** A clock that may still need a reminder, as the reminder job finds it. */
export interface RunningClock {
  alertId: string;
  clock: RegulatoryClockKind;
  flaggedAt: string;
}

/** The running clocks, kept beside the alerts so the reminder job reads a small list. */
export interface RegulatoryClockIndex {
  put(clock: RunningClock): Promise<void>;
  remove(alertId: string, clock: RegulatoryClockKind): Promise<void>;
  listRunning(): Promise<RunningClock[]>;
}

export interface RegulatoryClocksDeps {
  directory: Pick<Directory, 'require'>;
  alerts: Pick<AlertRepository, 'get' | 'update'>;
  organisations: Pick<OrganisationRepository, 'list'>;
  members: Pick<MemberRepository, 'list'>;
  index: RegulatoryClockIndex;
  clock: Clock;
  /** A 1:1 message to a member, through the outbox. */
  messageMember(aadObjectId: string, text: string): Promise<void>;
  /** The alert's card in the channel, re-rendered after a change (its clock lines and history). */
  refreshCard?(alert: Alert): Promise<void>;
  audit?: AuditRecorder;
}

/** What a press on the card did: the alert as it now stands and a notice for the person. */
export interface ClockAnswer {
  alert: Alert;
  notice: { text: string; style: 'good' | 'warning' | 'accent' };
}

/** How many times a change is tried again when others change the alert at the same moment. */
const ATTEMPTS = 12;
/** How long the list of operators of essential services is remembered for the cards. */
const ESSENTIAL_TTL_MS = 60_000;
/** A running row whose alert never got its flag (a failed write) is dropped after this. */
const ORPHAN_MS = 60 * 60_000;

/**
 * What an alert card needs for its reporting clocks: the alert's organisations that are operators of
 * essential services (the list remembered for a minute: every card drawn asks) and, when the alert has a
 * clock, the time to the minute its lines count from.
 */
export class RegulatoryCardContexts {
  private readonly essential: CachedValue<Organisation[]>;

  constructor(
    organisations: Pick<OrganisationRepository, 'list'>,
    private readonly clock: Clock,
  ) {
    this.essential = new CachedValue(
      async () => (await organisations.list()).filter((o) => o.isOes),
      clock,
      ESSENTIAL_TTL_MS,
    );
  }

  async forAlert(alert: Alert): Promise<{ essentialOrgs: string[]; now?: string }> {
    const essential = alert.organisations.length
      ? new Set((await this.essential.get()).map((o) => o.code))
      : new Set<string>();
    const now = new Date(Math.floor(this.clock.now().getTime() / 60_000) * 60_000);
    return {
      essentialOrgs: alert.organisations.filter((o) => essential.has(o)),
      ...(regulatoryClocks(alert).length ? { now: now.toISOString() } : {}),
    };
  }
}

/**
 * The NIS and personal data breach 72-hour clocks (issue 21). An alert is flagged from its card by a CTAC
 * lead or a member of an organisation it concerns (decided from the caller's Entra id through the
 * directory, never from the card's data); the organisations' leads are reminded 1:1 at 24, 48, 60 and 70
 * hours, each mark once; recording the report stops the clock. Everything is on the alert's timeline.
 */
export class RegulatoryClocks {
  constructor(private readonly deps: RegulatoryClocksDeps) {}

  /** Starts the alert's clock of this kind. A second flag says when the first was made. */
  async flag(
    actor: Member | undefined,
    alertId: string,
    kind: RegulatoryClockKind,
  ): Promise<ClockAnswer> {
    const member = this.deps.directory.require(actor, 'member', 'flag reporting clocks');
    const who = personActor(member);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.stored(alertId);
      const organisations = await this.concerned(stored.alert, kind, member);
      this.mayAct(member, organisations, 'flag this alert');
      const outcome = flagRegulatoryClock(
        stored.alert,
        kind,
        organisations,
        who,
        this.deps.clock.now(),
      );
      if ('already' in outcome) {
        const clock = outcome.already;
        // A row lost after an earlier flag is written again, so its reminders still come.
        if (!clock.report && hasRemindersLeft(clock))
          await this.deps.index.put(running(alertId, clock));
        return {
          alert: stored.alert,
          notice: {
            text: `${clock.flaggedBy.name} already flagged this alert (${CLOCK_LABELS[kind]}) at ${formatUkDateTime(clock.flaggedAt)}.`,
            style: 'accent',
          },
        };
      }
      const saved = await this.deps.alerts.update(outcome.change.alert, stored.etag);
      if (!saved.ok) continue;
      const alert = saved.value.alert;
      const clock = regulatoryClock(alert, kind)!;
      await this.deps.index.put(running(alertId, clock));
      await this.deps.audit?.record({
        action: 'regulatory.flagged',
        by: member,
        subject: `${alert.dedupKey}: ${alert.title}`.slice(0, 200),
        after: `${CLOCK_LABELS[kind]} clock started for ${organisations.join(', ') || 'no organisation'}, due ${formatUkDateTime(clock.dueAt)}`,
      });
      await this.deps.refreshCard?.(alert).catch(() => undefined);
      return {
        alert,
        notice: {
          text: `${CLOCK_LABELS[kind]} clock started: due ${formatUkDateTime(clock.dueAt)}. The leads of ${organisations.join(', ') || 'CTAC'} are reminded at 24, 48, 60 and 70 hours until the report is recorded.`,
          style: 'good',
        },
      };
    }
    throw busy();
  }

  /** Records the report to the authority (time UK local, reference), which stops the clock. */
  async report(
    actor: Member | undefined,
    alertId: string,
    kind: RegulatoryClockKind,
    input: ReportInput,
  ): Promise<ClockAnswer> {
    const member = this.deps.directory.require(actor, 'member', 'record reports');
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.stored(alertId);
      const clock = regulatoryClock(stored.alert, kind);
      if (clock) this.mayAct(member, clock.organisations, 'record this report');
      const change = recordRegulatoryReport(
        stored.alert,
        kind,
        input,
        personActor(member),
        this.deps.clock.now(),
      );
      const saved = await this.deps.alerts.update(change.alert, stored.etag);
      if (!saved.ok) continue;
      const alert = saved.value.alert;
      await this.deps.index.remove(alertId, kind);
      await this.deps.audit?.record({
        action: 'regulatory.reported',
        by: member,
        subject: `${alert.dedupKey}: ${alert.title}`.slice(0, 200),
        after: `${CLOCK_LABELS[kind]} reported at ${formatUkDateTime(change.event.reportedAt)}, reference ${change.event.reference}`,
      });
      await this.deps.refreshCard?.(alert).catch(() => undefined);
      return {
        alert,
        notice: {
          text: `Recorded: reported at ${formatUkDateTime(change.event.reportedAt)}, reference ${change.event.reference}. The ${CLOCK_LABELS[kind]} clock has stopped.`,
          style: 'good',
        },
      };
    }
    throw busy();
  }

  /**
   * One pass of the reminder job: each running clock whose next mark has passed gets its reminder, once.
   * The `regulatory.reminded` event is written with the alert's ETag before anything is sent, so two
   * instances, or a pass after a restart, find it there and send nothing. Answers how many were sent.
   */
  async remindDue(now: Date = this.deps.clock.now()): Promise<number> {
    const rows = await this.deps.index.listRunning();
    if (rows.length === 0) return 0;
    let members: Member[] | undefined;
    let sent = 0;
    for (const row of rows) {
      const done = await this.remindOne(
        row,
        now,
        async () => (members ??= await this.deps.members.list()),
      );
      if (done) sent++;
    }
    return sent;
  }

  private async remindOne(
    row: RunningClock,
    now: Date,
    members: () => Promise<Member[]>,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.deps.alerts.get(row.alertId);
      const clock = stored && regulatoryClock(stored.alert, row.clock);
      if (!stored || !clock) {
        if (!stored || now.getTime() - Date.parse(row.flaggedAt) > ORPHAN_MS)
          await this.deps.index.remove(row.alertId, row.clock);
        return false;
      }
      if (!hasRemindersLeft(clock)) {
        await this.deps.index.remove(row.alertId, row.clock);
        return false;
      }
      const mark = dueReminderMark(clock, now);
      if (mark === undefined) return false;
      const leads = leadsOf(await members(), clock.organisations);
      const change = remindRegulatoryClock(
        stored.alert,
        row.clock,
        mark,
        leads.map((m) => ({ id: m.aadObjectId, name: m.name })),
        jobActor('regulatory-clocks'),
        now,
      );
      const saved = await this.deps.alerts.update(change.alert, stored.etag);
      if (!saved.ok) continue;
      const text = reminderText(stored.alert, clock, mark, now);
      for (const lead of leads) await this.deps.messageMember(lead.aadObjectId, text);
      if (mark === REMINDER_MARKS.at(-1)) await this.deps.index.remove(row.alertId, row.clock);
      await this.deps.refreshCard?.(saved.value.alert).catch(() => undefined);
      return true;
    }
    return false;
  }

  /**
   * The organisations a clock concerns: for NIS, the alert's organisations that are operators of essential
   * services (none: it cannot be flagged); for a data breach, the alert's organisations, or the flagging
   * member's own when the alert names none.
   */
  private async concerned(
    alert: Alert,
    kind: RegulatoryClockKind,
    member: Member,
  ): Promise<string[]> {
    if (kind === 'nis') {
      const essential = new Set(
        (await this.deps.organisations.list()).filter((o) => o.isOes).map((o) => o.code),
      );
      const orgs = alert.organisations.filter((o) => essential.has(o));
      if (orgs.length === 0)
        throw new CtacError(
          'conflict',
          'None of this alert’s organisations is marked as an operator of essential services, so it cannot be flagged under NIS.',
        );
      return orgs;
    }
    if (alert.organisations.length) return [...alert.organisations];
    return member.orgCode ? [member.orgCode] : [];
  }

  /** CTAC leads and admins, and members of an organisation concerned; nobody else. */
  private mayAct(member: Member, organisations: readonly string[], doing: string): void {
    if (hasRole(member, 'lead') || organisations.includes(member.orgCode)) return;
    throw new CtacError(
      'forbidden',
      `Only CTAC leads and members of ${organisations.join(', ') || 'the organisations concerned'} can ${doing}.`,
    );
  }

  private async stored(alertId: string) {
    const stored = await this.deps.alerts.get(alertId);
    if (!stored)
      throw new CtacError(
        'not_found',
        'That alert no longer exists. Type "alerts" to see the open ones.',
      );
    return stored;
  }
}

const personActor = (member: Member): Actor => ({
  id: member.aadObjectId,
  name: member.name,
  source: 'teams',
});

const running = (alertId: string, clock: RegulatoryClock): RunningClock => ({
  alertId,
  clock: clock.kind,
  flaggedAt: clock.flaggedAt,
});

/**
 * Whom a clock's reminder goes to: the leads (and admins) of the organisations it concerns; when those
 * have none, every CTAC lead, so a reminder is never sent to nobody.
 */
export function leadsOf(members: readonly Member[], organisations: readonly string[]): Member[] {
  const own = members.filter((m) => hasRole(m, 'lead') && organisations.includes(m.orgCode));
  return own.length ? own : members.filter((m) => m.role === 'lead');
}

const busy = () =>
  new CtacError('conflict', 'Others changed this alert at the same moment. Please try again.');
