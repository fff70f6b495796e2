import { DateTime } from 'luxon';
import type { TextAfter } from '../people/contact';
import type { Actor } from '../shared/actor';
import { UK_ZONE } from '../shared/time';
import type { Alert } from './alert';
import { appendEvent, type AlertChange } from './alert-outcome';
import type {
  AlertEvent,
  PageChannel,
  PageFailureReason,
  PageKey,
  PageReceiptStatus,
} from './timeline';

/*
 * Delivery you can see (issue 16): each page of an escalation step, per person and channel, is queued,
 * then delivered or failed, on the alert's timeline. Teams pages are queued by the step's `paged` event
 * (its recipients); texts and emails by `page.queued`. Pure: the app records what Teams and GOV.UK
 * Notify answered; these functions say what it means.
 */

/** A failure reason in plain words, for the card and the leads' message. */
export const PAGE_FAILURE_WORDS: Readonly<Record<PageFailureReason, string>> = {
  'not-found': 'Teams could not find their chat',
  forbidden: 'refused (forbidden)',
  throttled: 'still throttled after every retry',
  'invalid-number': 'invalid mobile number',
  'invalid-address': 'invalid email address',
  'not-in-team': 'not in the team',
  'no-chat': 'no chat with CTAC yet',
  'not-set-up': 'no number or address, or GOV.UK Notify not set up',
  'permanent-failure': 'the number or address does not exist',
  'temporary-failure': 'phone off or inbox full, not delivered',
  'technical-failure': 'GOV.UK Notify could not deliver it',
  error: 'an error',
};

const CHANNEL_WORD: Readonly<Record<PageChannel, string>> = {
  teams: 'Teams',
  text: 'text',
  email: 'email',
};

type PageOutcomeRecord =
  { kind: 'delivered'; at: string } | { kind: 'failed'; reason: PageFailureReason; at: string };

/**
 * One page as the timeline tells it: when it is due (a text or email copy the step planned), when it
 * was queued, and its outcome if it has one.
 */
export interface PageRecord {
  key: PageKey;
  /** A text or email copy the step's `paged` event planned: when it is to be sent. */
  dueAt?: string;
  /** The `seq` of the `paged` event that planned it. */
  plannedSeq?: number;
  queuedAt?: string;
  outcome?: PageOutcomeRecord;
  /** GOV.UK Notify's id for an accepted text or email. */
  notifyId?: string;
  /** GOV.UK Notify's delivery receipt, once it has one; a failed one makes the outcome failed. */
  receipt?: { status: PageReceiptStatus; at: string };
}

const keyOf = (k: PageKey): string => `${k.escalationSeq}|${k.person.id}|${k.channel}`;

/** Every page on the timeline, in the order each first appears. */
export function pagesOf(timeline: readonly AlertEvent[]): PageRecord[] {
  const pages = new Map<string, PageRecord>();
  const page = (key: PageKey): PageRecord => {
    const id = keyOf(key);
    let record = pages.get(id);
    if (!record) {
      record = {
        key: { escalationSeq: key.escalationSeq, person: key.person, channel: key.channel },
      };
      pages.set(id, record);
    }
    return record;
  };
  for (const event of timeline) {
    switch (event.kind) {
      case 'paged':
        for (const r of event.recipients) {
          const key = {
            escalationSeq: event.escalationSeq ?? -1,
            person: { id: r.id, name: r.name },
          };
          page({ ...key, channel: 'teams' }).queuedAt = event.at;
          const plan = (channel: PageChannel, dueAt: string) =>
            Object.assign(page({ ...key, channel }), { dueAt, plannedSeq: event.seq });
          if (r.textAt) plan('text', r.textAt);
          if (r.emailCopy) plan('email', event.at);
        }
        break;
      case 'page.queued':
        page(event).queuedAt = event.at;
        break;
      case 'page.delivered': {
        const record = page(event);
        if (record.outcome) break;
        record.outcome = { kind: 'delivered', at: event.at };
        if (event.notifyId) record.notifyId = event.notifyId;
        break;
      }
      case 'page.failed':
        page(event).outcome ??= { kind: 'failed', reason: event.reason, at: event.at };
        break;
      case 'page.receipt': {
        const record = page(event);
        if (record.receipt) break;
        record.receipt = { status: event.status, at: event.at };
        // Accepted but never delivered: the page failed after all. A delivered receipt keeps the
        // time Notify accepted it (the card stays short).
        if (event.status !== 'delivered')
          record.outcome = { kind: 'failed', reason: event.status, at: event.at };
        break;
      }
      default:
        break;
    }
  }
  return [...pages.values()];
}

/**
 * Records that a text or email page is being handed to GOV.UK Notify (before it is sent, so of two
 * instances only the one whose write lands sends it); undefined when it is already recorded.
 */
export function recordPageQueued(
  alert: Alert,
  page: PageKey,
  actor: Actor,
  at: Date,
): AlertChange | undefined {
  const known = pagesOf(alert.timeline).find((p) => keyOf(p.key) === keyOf(page));
  if (known?.queuedAt) return undefined;
  return appendEvent(alert, {}, { kind: 'page.queued', ...pageKey(page) }, actor, at);
}

/** What Teams or GOV.UK Notify answered for one page; `notifyId`, Notify's id for what it accepted. */
export type PageResult =
  { kind: 'delivered'; notifyId?: string } | { kind: 'failed'; reason: PageFailureReason };

/**
 * Records a page's outcome: undefined when it already has one (a callback run twice, or by two
 * instances), so each page has one outcome however often it is reported.
 */
export function recordPageOutcome(
  alert: Alert,
  page: PageKey,
  result: PageResult,
  actor: Actor,
  at: Date,
): AlertChange | undefined {
  const known = pagesOf(alert.timeline).find((p) => keyOf(p.key) === keyOf(page));
  if (known?.outcome) return undefined;
  return result.kind === 'delivered'
    ? appendEvent(
        alert,
        {},
        {
          kind: 'page.delivered',
          ...pageKey(page),
          ...(result.notifyId ? { notifyId: result.notifyId } : {}),
        },
        actor,
        at,
      )
    : appendEvent(
        alert,
        {},
        { kind: 'page.failed', ...pageKey(page), reason: result.reason },
        actor,
        at,
      );
}

/**
 * Records GOV.UK Notify's delivery receipt for a text or email it accepted: undefined when the page
 * already has one (a check run twice, or by two instances) or was never accepted, so each page has one
 * receipt however often it is asked for. A failed receipt turns the page's outcome into failed.
 */
export function recordPageReceipt(
  alert: Alert,
  page: PageKey,
  status: PageReceiptStatus,
  actor: Actor,
  at: Date,
): AlertChange | undefined {
  const known = pagesOf(alert.timeline).find((p) => keyOf(p.key) === keyOf(page));
  if (known?.outcome?.kind !== 'delivered' || known.receipt) return undefined;
  return appendEvent(alert, {}, { kind: 'page.receipt', ...pageKey(page), status }, actor, at);
}

const pageKey = (k: PageKey): PageKey => ({
  escalationSeq: k.escalationSeq,
  person: { id: k.person.id, name: k.person.name },
  channel: k.channel,
});

/**
 * Where one firing of a step stands: `none` (it paged nobody), `reached` (something was delivered to
 * someone), `pending` (nothing delivered yet, something still on its way) or `unreachable` (every
 * page failed).
 */
export type StepReach = 'none' | 'pending' | 'reached' | 'unreachable';

export function stepReach(alert: Pick<Alert, 'timeline'>, escalationSeq: number): StepReach {
  const pages = pagesOf(alert.timeline).filter(
    // A text planned for later is a follow-up, not one of the step's pages (until it is sent).
    (p) =>
      p.key.escalationSeq === escalationSeq &&
      !(p.key.channel === 'text' && !p.queuedAt && !p.outcome),
  );
  if (!pages.length) return 'none';
  if (pages.some((p) => p.outcome?.kind === 'delivered')) return 'reached';
  // An email copy still to send, or an outcome that arrived before its page was recorded as queued.
  if (pages.some((p) => !p.outcome || !p.queuedAt)) return 'pending';
  return 'unreachable';
}

/**
 * When a text follows a Teams page: after the person's chosen minutes (default 5), if they chose a
 * text, have a mobile number and texts are set up; otherwise never.
 */
export function textFollowUpAt(
  pagedAt: Date,
  facts: { textAfterMinutes: TextAfter; hasMobile: boolean; textEnabled: boolean },
): Date | undefined {
  if (facts.textAfterMinutes === 'off' || !facts.hasMobile || !facts.textEnabled) return undefined;
  return new Date(pagedAt.getTime() + facts.textAfterMinutes * 60_000);
}

/**
 * Texts and email copies to send now: each planned by a step's `paged` event, due, not yet sent, while
 * the alert is triggered and nobody has acknowledged or snoozed it since that page.
 */
export function followUpsToSend(alert: Alert, now: Date): PageKey[] {
  return plannedFollowUps(alert)
    .filter((p) => Date.parse(p.dueAt) <= now.getTime())
    .map((p) => p.key);
}

/** When the next planned text or email copy is due, if one is still to send. */
export function nextFollowUpAt(alert: Alert): Date | undefined {
  const times = plannedFollowUps(alert).map((p) => Date.parse(p.dueAt));
  return times.length ? new Date(Math.min(...times)) : undefined;
}

function plannedFollowUps(alert: Alert): (PageRecord & { dueAt: string })[] {
  if (alert.state !== 'triggered') return [];
  // The last acknowledgement or snooze: a page before it was answered.
  let answeredSeq = -1;
  for (const e of alert.timeline)
    if (e.kind === 'acknowledged' || e.kind === 'snoozed') answeredSeq = e.seq;
  return pagesOf(alert.timeline).filter(
    (p): p is PageRecord & { dueAt: string } =>
      !!p.dueAt && !p.queuedAt && !p.outcome && (p.plannedSeq ?? -1) > answeredSeq,
  );
}

/** "09:03", UK time. */
const ukTime = (at: string): string => DateTime.fromISO(at, { zone: UK_ZONE }).toFormat('HH:mm');

/** Past this many people the card summarises: "Paged 12 people: ...". */
export const DELIVERY_LINES_MAX = 8;
/** The most names a summary line lists, and the most characters they take (long names list fewer). */
const SUMMARY_NAMES = 10;
const SUMMARY_CHARS = 400;

interface PersonDelivery {
  name: string;
  /** Channels delivered ("Teams 09:03") and still on their way ("text queued 09:08"), in channel order. */
  shown: string[];
  delivered: number;
  pending: number;
  failed: { channel: PageChannel; reason: PageFailureReason }[];
}

/**
 * The card's delivery lines, in plain words: "Paged Asha Patel: Teams 09:03, text 09:08", "Could not
 * reach Ben Cole: not in the team", "Paging Chloë Ward: Teams queued 09:03". "Paged" is said only of
 * someone something was delivered to. Each person once, their latest page on each channel; with many
 * people, one summary line for each of paged, paging and not reached.
 */
export function deliveryLines(timeline: readonly AlertEvent[]): string[] {
  const people = new Map<string, { name: string; latest: Map<PageChannel, PageRecord> }>();
  for (const page of pagesOf(timeline)) {
    const person = people.get(page.key.person.id) ?? {
      name: page.key.person.name,
      latest: new Map<PageChannel, PageRecord>(),
    };
    person.latest.set(page.key.channel, page);
    people.set(page.key.person.id, person);
  }
  const deliveries: PersonDelivery[] = [...people.values()].map(({ name, latest }) => {
    const d: PersonDelivery = { name, shown: [], delivered: 0, pending: 0, failed: [] };
    for (const channel of ['teams', 'text', 'email'] as const) {
      const page = latest.get(channel);
      if (!page) continue;
      const word = CHANNEL_WORD[channel];
      if (page.outcome?.kind === 'delivered') {
        d.shown.push(`${word} ${ukTime(page.outcome.at)}`);
        d.delivered++;
      } else if (page.outcome?.kind === 'failed')
        d.failed.push({ channel, reason: page.outcome.reason });
      else if (page.queuedAt) {
        d.shown.push(`${word} queued ${ukTime(page.queuedAt)}`);
        d.pending++;
      }
    }
    return d;
  });
  if (deliveries.length > DELIVERY_LINES_MAX) return summaryLines(deliveries);
  return deliveries.map(personLine);
}

function personLine(d: PersonDelivery): string {
  const failures = (prefix: string) =>
    d.failed.map(
      (f) => `${prefix}${CHANNEL_WORD[f.channel]} failed: ${PAGE_FAILURE_WORDS[f.reason]}`,
    );
  if (d.delivered || d.pending)
    return [
      `${d.delivered ? 'Paged' : 'Paging'} ${d.name}: ${d.shown.join(', ')}`,
      ...failures(''),
    ].join('; ');
  return `Could not reach ${d.name}: ${reasonsText(d.failed)}`;
}

/** One reason alone; several, each with its channel: "Teams: not in the team; text: invalid mobile number". */
function reasonsText(failed: PersonDelivery['failed']): string {
  if (failed.length === 1) return PAGE_FAILURE_WORDS[failed[0]!.reason];
  return failed
    .map((f) => `${CHANNEL_WORD[f.channel]}: ${PAGE_FAILURE_WORDS[f.reason]}`)
    .join('; ');
}

function summaryLines(deliveries: PersonDelivery[]): string[] {
  const names = (list: string[]) => {
    const shown: string[] = [];
    let chars = 0;
    for (const name of list) {
      if (shown.length === SUMMARY_NAMES || (shown.length && chars + name.length > SUMMARY_CHARS))
        break;
      shown.push(name);
      chars += name.length + 2;
    }
    const more = list.length - shown.length;
    return more ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
  };
  const count = (n: number) => (n === 1 ? '1 person' : `${n} people`);
  const paged = deliveries.filter((d) => d.delivered);
  const paging = deliveries.filter((d) => !d.delivered && d.pending);
  const unreached = deliveries.filter((d) => !d.delivered && !d.pending);
  const lines: string[] = [];
  if (paged.length) lines.push(`Paged ${count(paged.length)}: ${names(paged.map((d) => d.name))}`);
  if (paging.length)
    lines.push(`Paging ${count(paging.length)}: ${names(paging.map((d) => d.name))}`);
  if (unreached.length)
    lines.push(
      `Could not reach ${count(unreached.length)}: ${names(unreached.map((d) => `${d.name} (${reasonsText(d.failed)})`))}`,
    );
  return lines;
}

/**
 * What each lead is told, 1:1, when every page of a step failed: "Nobody could be reached for
 * "Ransomware..." at step 1: Ben Cole (not in the team). Escalation has moved on to step 2." `next`:
 * the step it moved on to; undefined when the policy has no step left.
 */
export function unreachableStepText(
  alert: Pick<Alert, 'title' | 'timeline'>,
  escalationSeq: number,
  next: { stepIndex: number } | undefined,
): string {
  const fired = alert.timeline.find((e) => e.seq === escalationSeq);
  const step = fired?.kind === 'escalated' ? fired.stepIndex + 1 : undefined;
  const byPerson = new Map<string, { name: string; failed: PersonDelivery['failed'] }>();
  for (const page of pagesOf(alert.timeline))
    if (page.key.escalationSeq === escalationSeq && page.outcome?.kind === 'failed') {
      const person = byPerson.get(page.key.person.id) ?? { name: page.key.person.name, failed: [] };
      person.failed.push({ channel: page.key.channel, reason: page.outcome.reason });
      byPerson.set(page.key.person.id, person);
    }
  const who = [...byPerson.values()].map((p) => `${p.name} (${reasonsText(p.failed)})`).join(', ');
  const laterStep = alert.timeline.some((e) => e.kind === 'escalated' && e.seq > escalationSeq);
  const then = next
    ? `Escalation has moved on to step ${next.stepIndex + 1}.`
    : laterStep
      ? 'A later step has been paged since.'
      : 'Every step has been paged: page someone directly.';
  return `Nobody could be reached for "${alert.title}"${step ? ` at step ${step}` : ''}: ${who}. ${then}`;
}
