import { DateTime } from 'luxon';
import type { Actor, EventSource } from '../shared/actor';
import { formatUkDateTime, UK_ZONE } from '../shared/time';
import type { Alert } from './alert';
import { isAtLeast } from './severity';
import { checkNote } from './note-text';

/** Whether the HSA's vulnerability applies to the organisation. */
export type HsaApplicability = 'affected' | 'not affected' | 'unknown';
export const HSA_APPLICABILITIES: readonly HsaApplicability[] = [
  'affected',
  'not affected',
  'unknown',
];

/** How far the organisation has got with fixing it. Mitigated is a stopgap: a patch is still due. */
export type HsaRemediation = 'not started' | 'in progress' | 'mitigated' | 'patched';
export const HSA_REMEDIATIONS: readonly HsaRemediation[] = [
  'not started',
  'in progress',
  'mitigated',
  'patched',
];

/** Acknowledge within 48 hours of publication (elapsed hours). */
export const ACKNOWLEDGE_WITHIN_HOURS = 48;
/** Give an update at least every 3 days while open (UK calendar days: same clock time). */
export const UPDATE_EVERY_DAYS = 3;
/** Patch critical and high vulnerabilities within 14 days of publication (UK calendar days). */
export const PATCH_WITHIN_DAYS = 14;

/** One ICS organisation's response to one HSA. */
export interface HsaResponse {
  /** CTAC's id of the HSA alert. */
  alertId: string;
  orgCode: string;
  applicability: HsaApplicability;
  remediation: HsaRemediation;
  acknowledgedBy?: Actor;
  acknowledgedAt?: string;
  /** The last time the organisation said anything (acknowledging included): the 3-day clock runs from here. */
  lastUpdateAt?: string;
  lastUpdateBy?: Actor;
  /** The latest update's words, if it had any. */
  lastNote?: string;
  /** When the organisation first said it had patched (for the board pack's days to patch). */
  patchedAt?: string;
  /** When the organisation first said it had mitigated. */
  mitigatedAt?: string;
}

interface HsaResponseEventBase {
  alertId: string;
  orgCode: string;
  actor: Actor;
  source: EventSource;
  at: string;
  /** True when this change was also the organisation's first word, so it acknowledged the HSA. */
  acknowledged: boolean;
}

/** What happened to an organisation's response; one per change, for the HSA's audit trail. */
export type HsaResponseEvent =
  | (HsaResponseEventBase & { kind: 'acknowledged' })
  | (HsaResponseEventBase & { kind: 'applicability'; from: HsaApplicability; to: HsaApplicability })
  | (HsaResponseEventBase & { kind: 'remediation'; from: HsaRemediation; to: HsaRemediation })
  | (HsaResponseEventBase & { kind: 'update'; note: string });

export type HsaResponseRefusalCode =
  'already_acknowledged' | 'unchanged' | 'invalid_value' | 'note_required' | 'note_too_long';

export type HsaResponseOutcome =
  | { ok: true; response: HsaResponse; event: HsaResponseEvent }
  | { ok: false; code: HsaResponseRefusalCode; message: string; response: HsaResponse };

/** The HSA fields the deadlines depend on. */
export type HsaForResponse = Pick<Alert, 'publishedAt' | 'severityRank'>;

/**
 * Only alerts NHS England publishes as High Severity Alerts (severity High) start the 48-hour
 * acknowledgement, 3-day update and 14-day patch clocks for every organisation. Medium, Low and
 * Information only alerts are for information: no clocks, and responses only if a lead asks.
 */
export const hasResponseClocks = (hsa: Pick<Alert, 'severityRank'>): boolean =>
  isAtLeast(hsa.severityRank, 'high');

/** A response nobody from the organisation has touched yet. */
export const newHsaResponse = (alertId: string, orgCode: string): HsaResponse => ({
  alertId,
  orgCode,
  applicability: 'unknown',
  remediation: 'not started',
});

type Draft =
  | { kind: 'acknowledged' }
  | { kind: 'applicability'; from: HsaApplicability; to: HsaApplicability }
  | { kind: 'remediation'; from: HsaRemediation; to: HsaRemediation }
  | { kind: 'update'; note: string };

/** Every change counts as an update, and the first one also acknowledges the HSA. */
function change(
  response: HsaResponse,
  patch: Partial<HsaResponse>,
  draft: Draft,
  actor: Actor,
  at: Date,
): HsaResponseOutcome {
  const iso = at.toISOString();
  const acknowledged = !response.acknowledgedAt;
  const next: HsaResponse = {
    ...response,
    ...patch,
    ...(acknowledged ? { acknowledgedBy: actor, acknowledgedAt: iso } : {}),
    lastUpdateAt: iso,
    lastUpdateBy: actor,
  };
  const event = {
    ...draft,
    alertId: response.alertId,
    orgCode: response.orgCode,
    actor,
    source: actor.source,
    at: iso,
    acknowledged,
  } as HsaResponseEvent;
  return { ok: true, response: next, event };
}

const refuse = (
  response: HsaResponse,
  code: HsaResponseRefusalCode,
  message: string,
): HsaResponseOutcome => ({
  ok: false,
  code,
  message,
  response,
});

/** The organisation has seen the HSA. A second acknowledgement says who and when, and changes nothing. */
export function acknowledgeHsa(response: HsaResponse, actor: Actor, at: Date): HsaResponseOutcome {
  if (response.acknowledgedAt)
    return refuse(
      response,
      'already_acknowledged',
      `${response.orgCode} already acknowledged this HSA${response.acknowledgedBy ? `: ${response.acknowledgedBy.name}` : ''} at ${formatUkDateTime(response.acknowledgedAt)}.`,
    );
  return change(response, {}, { kind: 'acknowledged' }, actor, at);
}

/** Affected, not affected or unknown. */
export function setApplicability(
  response: HsaResponse,
  applicability: HsaApplicability,
  actor: Actor,
  at: Date,
): HsaResponseOutcome {
  if (!HSA_APPLICABILITIES.includes(applicability))
    return refuse(response, 'invalid_value', 'Choose affected, not affected or unknown.');
  if (applicability === response.applicability)
    return refuse(response, 'unchanged', `${response.orgCode} is already marked ${applicability}.`);
  return change(
    response,
    { applicability },
    { kind: 'applicability', from: response.applicability, to: applicability },
    actor,
    at,
  );
}

/** Remediation progress. Any progress beyond "not started" means the organisation is affected. */
export function setRemediation(
  response: HsaResponse,
  remediation: HsaRemediation,
  actor: Actor,
  at: Date,
): HsaResponseOutcome {
  if (!HSA_REMEDIATIONS.includes(remediation))
    return refuse(
      response,
      'invalid_value',
      'Choose not started, in progress, mitigated or patched.',
    );
  if (remediation === response.remediation)
    return refuse(
      response,
      'unchanged',
      `Remediation at ${response.orgCode} is already ${remediation}.`,
    );
  const patch: Partial<HsaResponse> = { remediation };
  if (remediation !== 'not started') patch.applicability = 'affected';
  // The first time only: going back to in progress and on to patched again keeps when it was first patched.
  if (remediation === 'patched' && !response.patchedAt) patch.patchedAt = at.toISOString();
  if (remediation === 'mitigated' && !response.mitigatedAt) patch.mitigatedAt = at.toISOString();
  return change(
    response,
    patch,
    { kind: 'remediation', from: response.remediation, to: remediation },
    actor,
    at,
  );
}

/** A progress update in the organisation's words: restarts the 3-day clock. */
export function giveHsaUpdate(
  response: HsaResponse,
  note: string,
  actor: Actor,
  at: Date,
): HsaResponseOutcome {
  const checked = checkNote(note);
  if (!checked.ok) return refuse(response, checked.code, checked.message);
  return change(
    response,
    { lastNote: checked.note },
    { kind: 'update', note: checked.note },
    actor,
    at,
  );
}

/**
 * Finished: the organisation is not affected, has patched or has mitigated. CTAC stops reminding it then
 * (a mitigated organisation still has its patch deadline shown), and an HSA every organisation has
 * finished leaves the board's current list for its history.
 */
export const isResponseFinished = (
  response: Pick<HsaResponse, 'applicability' | 'remediation'>,
): boolean =>
  response.applicability === 'not affected' ||
  response.remediation === 'patched' ||
  response.remediation === 'mitigated';

/** True when every organisation has finished with the HSA (none listed counts as finished). */
export const isHsaFinished = (
  responses: readonly Pick<HsaResponse, 'applicability' | 'remediation'>[],
): boolean => responses.every(isResponseFinished);

/**
 * An HSA CTAC follows up with the organisations. It outlives the channel alert: resolving the alert
 * means triage is done, not that every organisation has patched, so the follow-up ends only when every
 * organisation has finished (`finishedAt`), and comes back if one of them reopens its response.
 */
export interface HsaFollowUp {
  alertId: string;
  /** When CTAC started following it up. */
  since: string;
  /** When every organisation had finished; unset while any has not. */
  finishedAt?: string;
  /** The lead who asked the organisations to respond to an alert without clocks (below High), and when. */
  askedBy?: Actor;
  askedAt?: string;
}

/** Organisations respond to an HSA with clocks, or to any other NHS alert once a lead has asked. */
export const responsesExpected = (
  hsa: Pick<Alert, 'severityRank'>,
  followUp: Pick<HsaFollowUp, 'askedAt'> | undefined,
): boolean => hasResponseClocks(hsa) || !!followUp?.askedAt;

/** Open until the organisation is not affected or has patched; mitigated stays open. */
export const isResponseOpen = (
  response: Pick<HsaResponse, 'applicability' | 'remediation'>,
): boolean => response.applicability !== 'not affected' && response.remediation !== 'patched';

/** Sums already worked out: the HSA board asks the same ones for every organisation on every read. */
const ukDaySums = new Map<string, number>();
const UK_DAY_SUMS_MAX = 10_000;

const plusUkDays = (iso: string, days: number): Date => {
  const key = `${iso}|${days}`;
  let ms = ukDaySums.get(key);
  if (ms === undefined) {
    ms = DateTime.fromISO(iso, { zone: UK_ZONE }).plus({ days }).toMillis();
    if (ukDaySums.size >= UK_DAY_SUMS_MAX) ukDaySums.clear();
    ukDaySums.set(key, ms);
  }
  return new Date(ms);
};

/**
 * The deadlines of a response: none for an alert without clocks (below High); `nextUpdateBy` only while
 * open, `patchBy` only when not "not affected".
 */
export interface HsaResponseDueDates {
  acknowledgeBy?: Date;
  nextUpdateBy?: Date;
  patchBy?: Date;
}

/**
 * Deadlines: acknowledge 48 elapsed hours after publication; update 3 UK calendar days after the
 * organisation last said anything (publication if never); patch 14 UK calendar days after
 * publication when the organisation is not "not affected". Only for High (hasResponseClocks). Calendar
 * days keep the UK clock time across a clock change (so a 3-day update may be 71 or 73 hours).
 */
export function hsaResponseDueDates(
  response: HsaResponse,
  hsa: HsaForResponse,
): HsaResponseDueDates {
  if (!hasResponseClocks(hsa)) return {};
  const published = Date.parse(hsa.publishedAt);
  const due: HsaResponseDueDates = {
    acknowledgeBy: new Date(published + ACKNOWLEDGE_WITHIN_HOURS * 3_600_000),
  };
  if (isResponseOpen(response))
    due.nextUpdateBy = plusUkDays(response.lastUpdateAt ?? hsa.publishedAt, UPDATE_EVERY_DAYS);
  if (response.applicability !== 'not affected')
    due.patchBy = plusUkDays(hsa.publishedAt, PATCH_WITHIN_DAYS);
  return due;
}

/** True when the organisation acknowledged the HSA no later than 48 elapsed hours after publication. */
export function acknowledgedInTime(
  response: Pick<HsaResponse, 'acknowledgedAt'>,
  hsa: Pick<HsaForResponse, 'publishedAt'>,
): boolean {
  if (!response.acknowledgedAt) return false;
  const acknowledgeBy = Date.parse(hsa.publishedAt) + ACKNOWLEDGE_WITHIN_HOURS * 3_600_000;
  return Date.parse(response.acknowledgedAt) <= acknowledgeBy;
}

/** Something the organisation should have done by now. */
export interface OverdueItem {
  kind: 'acknowledgement' | 'update' | 'patch';
  dueAt: string;
  /** "RXH: the update was due by 1 Dec 2026, 09:00." */
  message: string;
}

/** What is overdue at `now` (strictly after the deadline), in the order acknowledgement, update, patch. */
export function overdueItems(response: HsaResponse, hsa: HsaForResponse, now: Date): OverdueItem[] {
  const due = hsaResponseDueDates(response, hsa);
  const items: OverdueItem[] = [];
  const late = (at: Date | undefined): at is Date => !!at && now.getTime() > at.getTime();
  const item = (kind: OverdueItem['kind'], at: Date, what: string): OverdueItem => ({
    kind,
    dueAt: at.toISOString(),
    message: `${response.orgCode}: ${what} was due by ${formatUkDateTime(at)}.`,
  });
  if (!response.acknowledgedAt && late(due.acknowledgeBy))
    items.push(item('acknowledgement', due.acknowledgeBy, 'acknowledging the HSA'));
  if (late(due.nextUpdateBy)) items.push(item('update', due.nextUpdateBy, 'an update'));
  if (response.remediation !== 'patched' && late(due.patchBy))
    items.push(item('patch', due.patchBy, 'patching'));
  return items;
}
