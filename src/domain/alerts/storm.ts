import type { Alert } from './alert';
import type { AlertEvent } from './timeline';

/** Past this many new alerts within the window, a channel gets a digest card instead of one card each. */
export interface StormThreshold {
  maxAlerts: number;
  windowMs: number;
}

/** More than 5 new alerts in a minute is a storm. */
export const DEFAULT_STORM_THRESHOLD: StormThreshold = { maxAlerts: 5, windowMs: 60_000 };

/** 'post' gives the alert its own card; 'digest' adds it to the channel's digest card. */
export type StormDecision = 'post' | 'digest';

const toMs = (at: Date | string | number): number =>
  typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();

/**
 * Decides how a new alert reaches a channel. `recent` holds when the channel's earlier new alerts
 * arrived, whether they were posted singly or put in a digest, so a storm stays a storm until the
 * rate falls. With the default threshold the sixth alert within a minute starts the digest.
 */
export function stormDecision(
  recent: readonly (Date | string | number)[],
  now: Date,
  threshold: StormThreshold = DEFAULT_STORM_THRESHOLD,
): StormDecision {
  const from = now.getTime() - threshold.windowMs;
  const inWindow = recent.filter((at) => {
    const ms = toMs(at);
    return ms > from && ms <= now.getTime();
  }).length;
  return inWindow + 1 > threshold.maxAlerts ? 'digest' : 'post';
}

/**
 * Events that never change what a storm digest's line shows (severity, title, state, who
 * acknowledged or resolved): posting, paging and its deliveries, notes, and an escalation step firing
 * on its timer (it fires only while the alert is triggered, and leaves it triggered).
 */
const KEEPS_DIGEST_LINE = new Set<AlertEvent['kind']>([
  'raised',
  'posted',
  'paged',
  'noted',
  'page.queued',
  'page.delivered',
  'page.failed',
  'page.receipt',
]);

/**
 * Whether an alert's line on a storm digest may differ from the line it joined with (the digest was
 * rendered with the alert as raised). When not, re-rendering the digest after a change (a storm's
 * every alert is paged at once) would send Teams the same card again.
 */
export const digestLineChanged = (alert: Pick<Alert, 'timeline'>): boolean =>
  alert.timeline.some(
    (e) => !KEEPS_DIGEST_LINE.has(e.kind) && !(e.kind === 'escalated' && !e.manual),
  );
