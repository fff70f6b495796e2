import type { Logger } from 'pino';
import type { ActivityFeed, JobClaims, RotaNotice, RotaNotifier } from '../app/rota/ports';
import type { RotaService } from '../app/rota/rota-service';
import {
  ROTA_LAYERS,
  whoToTellAboutGap,
  type OnCallShift,
  type RotaLayer,
  type ScheduleSegment,
} from '../domain/rota';
import type { Clock } from '../domain/shared/clock';
import { formatUkDateTime } from '../domain/shared/time';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

const HOUR_MS = 3_600_000;
/** A handover missed while no instance ran is still announced if it was this recent. */
const CATCH_UP_MS = HOUR_MS;
const DAY_MS = 24 * HOUR_MS;
/** How far past its start a gap's end is looked for. */
const GAP_LOOKAHEAD_DAYS = 31;

export interface RotaJobsDeps {
  rota: RotaService;
  claims: JobClaims;
  notifier: RotaNotifier;
  clock: Clock;
  logger: Logger;
  /** How long before a shift the incoming person gets their 1:1 reminder. */
  reminderLeadMs: number;
  /** How far ahead gaps are announced to the leads (48 hours by default). */
  gapNoticeMs: number;
  /** Who claims the work, for the record. */
  instanceId: string;
  /** The Teams activity feed (Graph), for reminders as well as the 1:1 message; optional. */
  activityFeed?: ActivityFeed;
  /** Lines describing the open alerts the people coming on call inherit, when alerts are wired in. */
  openAlerts?: () => Promise<string[]>;
  /** Lines naming the people on call in `shifts` whom Teams cannot reach (src/app/reach.ts). */
  unreachableOnCall?: (shifts: readonly OnCallShift[], now: Date) => Promise<string[]>;
}

/** What one tick did: how many messages it claimed and sent. */
export interface RotaTickResult {
  handovers: number;
  reminders: number;
  gaps: number;
}

/**
 * The rota's timed work, run by `tick()`: at each handover a post to the ICS cyber channel saying who
 * is now on call; a 1:1 reminder to each incoming person `reminderLeadMs` before; and a warning to the
 * leads about each gap `gapNoticeMs` ahead. Every message is claimed in Table Storage first
 * (insert-if-absent on a key made of what it is about), so two instances never send it twice and a
 * restart does not repeat it.
 */
export class RotaJobs {
  private readonly job: ScheduledJob;

  constructor(private readonly deps: RotaJobsDeps) {
    this.job = new ScheduledJob(async () => void (await this.tick()), {
      name: 'rota jobs',
      logger: deps.logger,
    });
  }

  async tick(): Promise<RotaTickResult> {
    const now = this.deps.clock.now();
    const from = new Date(now.getTime() - CATCH_UP_MS);
    const ahead = Math.max(this.deps.reminderLeadMs, this.deps.gapNoticeMs);
    const to = new Date(now.getTime() + ahead + 1);
    const window = await this.deps.rota.schedule(from, to);
    const changes = ROTA_LAYERS.flatMap((layer) => changesIn(window.schedule.layers[layer]));
    return {
      handovers: await this.handovers(changes, from, now, window.shifts),
      reminders: await this.reminders(changes, window.shifts, now),
      gaps: await this.gaps(window.gaps, from, now, window.shifts),
    };
  }

  /**
   * Runs `tick()` every `intervalMs`; a tick that fails is logged and tried again, less often while
   * ticks keep failing (JobLoop).
   */
  start(intervalMs: number, settings: LoopSettings = {}): void {
    this.job.start(intervalMs, settings);
  }

  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async handovers(
    changes: Change[],
    from: Date,
    now: Date,
    shifts: readonly OnCallShift[],
  ): Promise<number> {
    const instants = [
      ...new Set(
        changes
          .filter((c) => c.at.getTime() > from.getTime() && c.at.getTime() <= now.getTime())
          .map((c) => c.at.getTime()),
      ),
    ].sort((a, b) => a - b);
    let sent = 0;
    for (const t of instants) {
      const at = new Date(t);
      if (!(await this.claim(`handover:${at.toISOString()}`, now))) continue;
      const [onCall, people, alerts, unreachable] = await Promise.all([
        this.deps.rota.whoIsOnCall(at),
        this.deps.rota.people(),
        this.deps.openAlerts?.().catch(() => []) ?? Promise.resolve([]),
        this.unreachable(shifts, at),
      ]);
      await this.deps.notifier.postToChannel({
        kind: 'handover',
        at,
        onCall,
        people,
        openAlerts: alerts,
        ...(unreachable.length ? { unreachable } : {}),
      });
      sent += 1;
    }
    return sent;
  }

  private async reminders(
    changes: Change[],
    shifts: readonly OnCallShift[],
    now: Date,
  ): Promise<number> {
    const until = now.getTime() + this.deps.reminderLeadMs;
    let sent = 0;
    let people: Awaited<ReturnType<RotaService['people']>> | undefined;
    for (const change of changes) {
      const t = change.at.getTime();
      if (t <= now.getTime() || t > until) continue;
      for (const memberId of change.incoming) {
        const key = `reminder:${change.layer}:${memberId}:${change.at.toISOString()}`;
        if (!(await this.claim(key, now))) continue;
        people ??= await this.deps.rota.people();
        // The person's whole stretch on call, which may outlast this change's segment.
        const end =
          shifts.find(
            (s) =>
              s.layer === change.layer &&
              s.memberId === memberId &&
              s.start.getTime() === change.at.getTime(),
          )?.end ?? change.end;
        await this.deps.notifier.sendToMember(memberId, {
          kind: 'shiftReminder',
          memberId,
          layer: change.layer,
          start: change.at,
          end,
          people,
        });
        await this.deps.activityFeed?.notify(
          memberId,
          `You are ${change.layer} on call ${formatUkDateTime(change.at)} to ${formatUkDateTime(end)} (UK time).`,
        );
        sent += 1;
      }
    }
    return sent;
  }

  private async gaps(
    gaps: { layer: RotaLayer; start: Date; end: Date }[],
    from: Date,
    now: Date,
    shifts: readonly OnCallShift[],
  ): Promise<number> {
    const horizon = now.getTime() + this.deps.gapNoticeMs;
    let sent = 0;
    for (const gap of gaps) {
      // A gap cut at the window's start began over an hour ago and was announced then.
      if (gap.start.getTime() <= from.getTime() || gap.start.getTime() > horizon) continue;
      if (!(await this.claim(`gap:${gap.layer}:${gap.start.toISOString()}`, now))) continue;
      const people = await this.deps.rota.people();
      const end = await this.gapEnd(gap);
      const unreachable = await this.unreachable(shifts, now);
      const notice: RotaNotice = {
        kind: 'gap',
        layer: gap.layer,
        start: gap.start,
        end,
        lookaheadDays: GAP_LOOKAHEAD_DAYS,
        ...(unreachable.length ? { unreachable } : {}),
      };
      const delivered = await Promise.all(
        whoToTellAboutGap(people.values()).map((id) => this.deps.notifier.sendToMember(id, notice)),
      );
      // No lead has a chat with the bot yet: the channel is the next best place.
      if (!delivered.some(Boolean)) await this.deps.notifier.postToChannel(notice);
      sent += 1;
    }
    return sent;
  }

  /** Where a gap really ends: the job's window may cut it short. Undefined if not within the lookahead. */
  private async gapEnd(gap: { layer: RotaLayer; start: Date }): Promise<Date | undefined> {
    const limit = new Date(gap.start.getTime() + GAP_LOOKAHEAD_DAYS * DAY_MS);
    const { gaps } = await this.deps.rota.schedule(gap.start, limit);
    const whole = gaps.find(
      (g) => g.layer === gap.layer && g.start.getTime() === gap.start.getTime(),
    );
    return whole && whole.end.getTime() < limit.getTime() ? whole.end : undefined;
  }

  /** Who is on call from `at` in the job's window (the coming shifts) but cannot be reached on Teams. */
  private async unreachable(shifts: readonly OnCallShift[], at: Date): Promise<string[]> {
    if (!this.deps.unreachableOnCall) return [];
    const coming = shifts.filter((s) => s.end.getTime() > at.getTime());
    try {
      return await this.deps.unreachableOnCall(coming, at);
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'rota: could not check who can be reached');
      return [];
    }
  }

  private claim(key: string, now: Date): Promise<boolean> {
    return this.deps.claims.claim(key, now, this.deps.instanceId);
  }
}

/** A moment when who is on call in a layer changes, and who comes on then. */
interface Change {
  layer: RotaLayer;
  at: Date;
  end: Date;
  incoming: string[];
}

function changesIn(segments: readonly ScheduleSegment[]): Change[] {
  const changes: Change[] = [];
  for (let i = 1; i < segments.length; i += 1) {
    const before = new Set(segments[i - 1]!.onCall.map((a) => a.memberId));
    const after = segments[i]!.onCall.map((a) => a.memberId);
    const same = before.size === after.length && after.every((id) => before.has(id));
    if (same) continue;
    changes.push({
      layer: segments[i]!.layer,
      at: segments[i]!.start,
      end: segments[i]!.end,
      incoming: after.filter((id) => !before.has(id)),
    });
  }
  return changes;
}
