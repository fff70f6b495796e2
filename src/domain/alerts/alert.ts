import type { Actor } from '../shared/actor';
import { CtacError } from '../shared/errors';
import { cleanLine, cleanParagraphs } from '../shared/clean-text';
import { MAX_REMEDIATION, MAX_SUMMARY, MAX_TITLE, truncate } from './alert-text';
import {
  ALERT_SOURCES,
  HSA_SEVERITIES,
  INCIDENT_SEVERITIES,
  isSeverityOf,
  severityRank,
  type AlertSeverity,
  type AlertSource,
  type SeverityRank,
} from './severity';
import type { AlertEvent, RaisedEvent } from './timeline';

/** triggered -> acknowledged -> resolved, or snoozed until a time (then triggered again). */
export type AlertState = 'triggered' | 'acknowledged' | 'resolved' | 'snoozed';

/**
 * How far escalation has gone. The step index in the policy is `stepsFired % steps.length`, the
 * round (repeat) is `Math.floor(stepsFired / steps.length)`.
 */
export interface EscalationProgress {
  /** Steps fired since the alert was raised or last woke from a snooze, counted across repeats. */
  stepsFired: number;
  /** When the next step's delay starts counting: raising, the last step fired, or waking. */
  clockFrom: string;
}

/** Where the alert's card lives in the channel, so actions update it in place. */
export interface ChannelPost {
  conversationId: string;
  activityId: string;
}

/**
 * The exercise an alert belongs to (issue 21). Absent on every real alert: an exercise alert is marked
 * EXERCISE wherever it shows, pages only the exercise's participants when it says so, and is left out of
 * the real figures, registers and exports (see isExerciseAlert).
 */
export interface ExerciseTag {
  id: string;
  name: string;
  /** Entra object ids (lower case): when set, the alert's pages go only to these people. */
  pageOnly?: string[];
}

/** What an exercise alert's title starts with, so every card, page, text and email says so. */
export const EXERCISE_TITLE_PREFIX = 'EXERCISE: ';

/** An HSA or incident alert, its state and its timeline. All instants are ISO 8601 strings. */
export interface Alert {
  /** CTAC's own id. */
  id: string;
  source: AlertSource;
  /** The sender's id (HSA id such as CC-4719): the same source and key never make a second alert. */
  dedupKey: string;
  title: string;
  severity: AlertSeverity;
  /** Derived from `severity`: one scale for colour and escalation policy. */
  severityRank: SeverityRank;
  summary: string;
  url?: string;
  /** Upper-case CVE ids, no duplicates. */
  cves: string[];
  affectedProducts: string[];
  /** Short codes of the ICS organisations affected. */
  organisations: string[];
  /** Plain-text remediation (HSAs). */
  remediation?: string;
  raisedBy: Actor;
  /** When CTAC received the alert. */
  raisedAt: string;
  /** When the sender published it (the raising time when the sender did not say). */
  publishedAt: string;
  /** When the sender sent the version of the content last taken (see IncomingAlert.sentAt). */
  lastSentAt?: string;
  state: AlertState;
  /** Set only while `state` is snoozed. */
  snoozedUntil?: string;
  /** The current acknowledgement: set while acknowledged, kept once resolved, cleared otherwise. */
  acknowledgedBy?: Actor;
  acknowledgedAt?: string;
  resolvedBy?: Actor;
  resolvedAt?: string;
  resolutionNote?: string;
  escalation: EscalationProgress;
  channelPost?: ChannelPost;
  /** Oldest first; `timeline[i].seq === i`. */
  timeline: AlertEvent[];
  /** Set only on an alert an exercise injected; never from what a sender sends. */
  exercise?: ExerciseTag;
}

/** An alert without its timeline: what a list of alerts shows (state, who acknowledged and when). */
export type AlertSummary = Omit<Alert, 'timeline'>;

/**
 * An open alert as the open list keeps it: its summary without where its card is in the channel. No
 * reader of the list needs the post (card updates and thread replies read the alert), so recording it
 * changes nothing the list shows and writes no list row.
 */
export type OpenAlertSummary = Omit<AlertSummary, 'channelPost'>;

/** When an alert was raised, first acknowledged and resolved: what the weekly figures count. */
export type AlertTimes = Pick<Alert, 'id' | 'raisedAt' | 'acknowledgedAt' | 'resolvedAt'>;

/**
 * An alert as a sender describes it (webhook, NHS poller, chat form). Optional fields that are
 * undefined mean "not said", so an update that leaves them out keeps what the alert has.
 */
export interface IncomingAlert {
  source: AlertSource;
  dedupKey: string;
  title: string;
  severity: AlertSeverity;
  summary?: string;
  url?: string;
  cves?: string[];
  affectedProducts?: string[];
  organisations?: string[];
  remediation?: string;
  /** ISO 8601 instant. */
  publishedAt?: string;
  /**
   * When the sender sent this version (the webhook's signed X-CTAC-Timestamp), ISO 8601: a version older
   * than the one last taken changes nothing, so a replayed older request cannot undo a newer one.
   */
  sentAt?: string;
}

export const MAX_DEDUP_KEY = 128;
/** NHS England's form of an HSA id, once upper-cased: "CC-" and digits, such as CC-4719. */
export const HSA_ID = /^CC-\d+$/;
const CVE = /^CVE-\d{4}-\d{4,}$/;
const ORG_CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/;

const unique = (items: string[]): string[] => [...new Set(items)];

/**
 * The dedup key as stored and looked up: trimmed, and upper case for HSAs, whose ids (CC-4719) are
 * the same whether the NHS poller or a webhook sender spells them in lower case. Incident senders'
 * ids are kept as sent, since their case may matter.
 */
export function dedupKeyOf(source: AlertSource, key: string): string {
  const clean = cleanLine(key);
  return source === 'hsa' ? clean.toUpperCase() : clean;
}

/**
 * Tidies an incoming alert (trims text, upper-cases CVEs and organisation codes, drops duplicates,
 * cuts over-long text) and throws a `validation` CtacError listing every problem left.
 */
export function normaliseIncomingAlert(input: IncomingAlert): IncomingAlert {
  const problems: string[] = [];
  const dedupKey = dedupKeyOf(input.source, input.dedupKey ?? '');
  const title = truncate(cleanLine(input.title ?? ''), MAX_TITLE);
  if (!ALERT_SOURCES.includes(input.source)) problems.push('source: must be "hsa" or "incident".');
  if (!dedupKey) problems.push('id: the sender’s id is missing.');
  else if (dedupKey.length > MAX_DEDUP_KEY)
    problems.push(`id: must be at most ${MAX_DEDUP_KEY} characters.`);
  // Every path (webhook, NHS poller, chat) comes through here, so none can file an HSA under another id.
  else if (input.source === 'hsa' && !HSA_ID.test(dedupKey))
    problems.push('id: an HSA id is "CC-" and digits, as NHS England gives it, such as CC-4719.');
  if (!title) problems.push('title: the alert needs a title.');
  if (!isSeverityOf(input.source, input.severity)) {
    const allowed = input.source === 'hsa' ? HSA_SEVERITIES : INCIDENT_SEVERITIES;
    problems.push(
      `severity: "${String(input.severity)}" is not a severity for ${input.source} alerts (${allowed.join(', ')}).`,
    );
  }
  const url = input.url === undefined ? undefined : input.url.trim();
  if (url !== undefined && !isHttpsUrl(url)) problems.push('url: must be an https:// link.');
  const cves = input.cves && unique(input.cves.map((c) => c.trim().toUpperCase()));
  for (const cve of cves ?? [])
    if (!CVE.test(cve))
      problems.push(`cves: "${truncate(cve, 40)}" is not a CVE id like CVE-2026-1234.`);
  const organisations =
    input.organisations && unique(input.organisations.map((o) => o.trim().toUpperCase()));
  for (const org of organisations ?? [])
    if (!ORG_CODE.test(org))
      problems.push(
        `organisations: "${truncate(org, 40)}" is not an organisation short code like RXH.`,
      );
  let publishedAt: string | undefined;
  if (input.publishedAt !== undefined) {
    const ms = Date.parse(input.publishedAt);
    if (Number.isNaN(ms)) problems.push('publishedAt: is not a date and time.');
    else publishedAt = new Date(ms).toISOString();
  }
  let sentAt: string | undefined;
  if (input.sentAt !== undefined) {
    const ms = Date.parse(input.sentAt);
    if (Number.isNaN(ms)) problems.push('sentAt: is not a date and time.');
    else sentAt = new Date(ms).toISOString();
  }
  if (problems.length) throw new CtacError('validation', 'Please check the alert.', problems);
  return {
    source: input.source,
    dedupKey,
    title,
    severity: input.severity,
    summary:
      input.summary === undefined
        ? undefined
        : truncate(cleanParagraphs(input.summary), MAX_SUMMARY),
    url,
    cves,
    affectedProducts:
      input.affectedProducts && unique(input.affectedProducts.map(cleanLine).filter(Boolean)),
    organisations,
    remediation:
      input.remediation === undefined
        ? undefined
        : truncate(cleanParagraphs(input.remediation), MAX_REMEDIATION),
    publishedAt,
    sentAt,
  };
}

/** True for an absolute https:// URL. */
export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Creates a triggered alert from what a sender sent; throws a `validation` CtacError if it is not valid. */
export function raiseAlert(
  incoming: IncomingAlert,
  ctx: { id: string; actor: Actor; at: Date; exercise?: ExerciseTag },
): { alert: Alert; event: RaisedEvent } {
  const clean = normaliseIncomingAlert(incoming);
  const at = ctx.at.toISOString();
  const event: RaisedEvent = {
    kind: 'raised',
    seq: 0,
    actor: ctx.actor,
    source: ctx.actor.source,
    at,
  };
  const alert: Alert = {
    id: ctx.id,
    source: clean.source,
    dedupKey: clean.dedupKey,
    title: ctx.exercise ? truncate(EXERCISE_TITLE_PREFIX + clean.title, MAX_TITLE) : clean.title,
    severity: clean.severity,
    severityRank: severityRank(clean.severity),
    summary: clean.summary ?? '',
    url: clean.url || undefined,
    cves: clean.cves ?? [],
    affectedProducts: clean.affectedProducts ?? [],
    organisations: clean.organisations ?? [],
    remediation: clean.remediation || undefined,
    raisedBy: ctx.actor,
    raisedAt: at,
    publishedAt: clean.publishedAt ?? at,
    ...(clean.sentAt && { lastSentAt: clean.sentAt }),
    state: 'triggered',
    escalation: { stepsFired: 0, clockFrom: at },
    timeline: [event],
    ...(ctx.exercise && { exercise: { ...ctx.exercise } }),
  };
  return { alert, event };
}

/** True while someone still has to deal with the alert. */
export const isOpen = (alert: Pick<Alert, 'state'>): boolean => alert.state !== 'resolved';

/** True for an alert an exercise injected: it counts in no real figure, register or export. */
export const isExerciseAlert = (alert: Pick<Alert, 'exercise'>): boolean =>
  alert.exercise !== undefined;

/**
 * Whom an alert's pages may reach: everyone for a real alert; for an exercise run with pages to participants
 * only, just those people (by Entra object id, any case).
 */
export const mayBePaged = (alert: Pick<Alert, 'exercise'>, memberId: string): boolean =>
  !alert.exercise?.pageOnly || alert.exercise.pageOnly.includes(memberId.toLowerCase());
