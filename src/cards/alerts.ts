import type { Alert, AlertEvent } from '../domain/alerts';
import { allowedActions, deliveryLines, hasResponseClocks, isAllowed } from '../domain/alerts';
import {
  CLOCK_AUTHORITY,
  CLOCK_LABELS,
  clockLine,
  regulatoryClocks,
} from '../domain/alerts/regulatory-clocks';
import { formatUkDateTime, typedUkDate } from '../domain/shared/time';
import {
  clip,
  headerStyle,
  severityWord,
  sourceLabel,
  STATE_WORD,
  stateLine,
} from './alert-display';
import { responseLine, type HsaResponseView } from './hsa-response-view';
import { renderCardKeyed, type AdaptiveCard } from './render';
import { tabLinkFor } from './tab-links';
import type { NoticeStyle } from './views';

/** View models for the templates in adaptiveCards/alerts/. */

/** Text on a card is cut here, with a pointer to the full alert, so every card stays well under 28 KB. */
const CARD_SUMMARY = 1500;
const CARD_REMEDIATION = 1000;
const CARD_NOTE = 300;
const CARD_CVES = 20;
const CARD_HISTORY = 6;
/** One delivery line at most (a summary names ten people with reasons): keeps the card well under 28 KB. */
const CARD_DELIVERY_LINE = 600;

/** How long the Snooze button offers, in minutes (all within the 7-day limit). */
export const SNOOZE_CHOICES: readonly { title: string; minutes: number }[] = [
  { title: '15 minutes', minutes: 15 },
  { title: '1 hour', minutes: 60 },
  { title: '4 hours', minutes: 240 },
  { title: 'Until tomorrow (24 hours)', minutes: 1440 },
  { title: '3 days', minutes: 4320 },
];

/** The Snooze button's choices as the card lists them (bound whole into the template). */
const SNOOZE_CARD_CHOICES = Object.freeze(
  SNOOZE_CHOICES.map((c) => Object.freeze({ title: c.title, value: String(c.minutes) })),
);

/** The buttons on the alert card, by the verb each sends. */
const CARD_VERBS = ['acknowledge', 'resolve', 'snooze', 'escalate', 'note'] as const;

/**
 * What a button on the alert card sends: its verb, the alert, and where the alert is kept (a hint the
 * app checks, so a press needs no index look-up). Bound whole into the template: one expression per
 * button rather than one per field.
 */
function cardActionData(alert: Alert) {
  return {
    ...Object.fromEntries(
      CARD_VERBS.map((verb) => [
        verb,
        { verb: `alert.${verb}`, alertId: alert.id, src: alert.source, key: alert.dedupKey },
      ]),
    ),
    // The Runbook button: the procedure that fits the alert, as a checklist in its thread.
    runbook: { verb: 'runbook.open', alertId: alert.id },
    // The reporting clocks (issue 21): who may flag is decided from the caller, never from this data.
    flagNis: { verb: 'regulatory.flag', alertId: alert.id, clock: 'nis' },
    flagIco: { verb: 'regulatory.flag', alertId: alert.id, clock: 'ico' },
  };
}

/** A timeline entry in plain words, or undefined for entries people need not see on the card. */
export function describeEvent(event: AlertEvent): string | undefined {
  const when = formatUkDateTime(event.at);
  const who = event.actor.name;
  switch (event.kind) {
    case 'raised':
      return `${when}: raised by ${who}`;
    case 'acknowledged':
      return `${when}: acknowledged by ${who}`;
    case 'resolved':
      return `${when}: resolved by ${who}`;
    case 'snoozed':
      return event.until
        ? `${when}: snoozed by ${who} until ${formatUkDateTime(event.until)}`
        : `${when}: the snooze ended`;
    case 'escalated':
      return event.manual
        ? `${when}: escalated now by ${who}`
        : `${when}: escalated to step ${event.stepIndex + 1}`;
    case 'paged':
      // "Paged" is said only once a page is delivered: the delivery lines say that.
      return event.recipients.length
        ? `${when}: paging ${event.recipients.map((r) => r.name).join(', ')}`
        : undefined;
    case 'noted':
      return `${when}: ${who} noted: ${clip(event.note, CARD_NOTE)}`;
    case 'updated':
      return `${when}: the sender updated ${event.changes.join(', ')}`;
    case 'runbook.step':
      return `${when}: ${who} ticked runbook step ${event.step} (${clip(event.stepTitle, 80)})`;
    case 'regulatory.flagged':
      return event.clock === 'nis'
        ? `${when}: ${who} flagged it as possibly reportable under NIS (72 hours to report)`
        : `${when}: ${who} flagged it as a personal data breach (72 hours to report to the ICO)`;
    case 'regulatory.reminded':
      return `${when}: ${CLOCK_LABELS[event.clock]} reminder at ${event.mark} hours sent to ${event.recipients.length ? clip(event.recipients.map((r) => r.name).join(', '), 200) : 'nobody (no leads found)'}`;
    case 'regulatory.reported':
      return `${when}: ${who} recorded the ${CLOCK_LABELS[event.clock]} report to ${CLOCK_AUTHORITY[event.clock]} (made ${formatUkDateTime(event.reportedAt)}, reference ${clip(event.reference, 100)})`;
    case 'posted':
    case 'page.queued':
    case 'page.delivered':
    case 'page.failed':
    case 'page.receipt':
      return undefined;
  }
}

/** The last few timeline entries people see on the card, oldest first. */
function latestHistory(timeline: AlertEvent[]): string[] {
  const lines: string[] = [];
  for (let i = timeline.length - 1; i >= 0 && lines.length < CARD_HISTORY; i--) {
    const line = describeEvent(timeline[i]!);
    if (line !== undefined) lines.unshift(line);
  }
  return lines;
}

export interface AlertCardContext {
  /** For an HSA: every ICS organisation's response. */
  responses?: HsaResponseView[];
  /** Names of the people on call now, primary first. */
  onCall?: string[];
  /** A message shown at the top for the person who pressed a button (refusals, "already acknowledged"). */
  notice?: { text: string; style: NoticeStyle };
  /**
   * The reporting clocks (issue 21): the alert's organisations that are operators of essential services
   * (the NIS button shows only when there is one), and the time the clock lines count from (to the
   * minute, so the card stays the same within it). Without it, neither flag button shows.
   */
  regulatory?: RegulatoryCardContext;
}

/** What the card needs to show the reporting clocks and their buttons. */
export interface RegulatoryCardContext {
  essentialOrgs: readonly string[];
  /** ISO 8601; given when the alert has a clock. */
  now?: string;
}

/** The reporting clocks' part of the card: a line per clock, the flag buttons, a form per running clock. */
function regulatoryModel(alert: Alert, ctx: AlertCardContext) {
  const clocks = regulatoryClocks(alert);
  const now = new Date(ctx.regulatory?.now ?? alert.timeline.at(-1)?.at ?? alert.raisedAt);
  const flagged = new Set(clocks.map((c) => c.kind));
  const canFlagNis =
    !!ctx.regulatory?.essentialOrgs.some((o) => alert.organisations.includes(o)) &&
    !flagged.has('nis');
  const canFlagIco = !!ctx.regulatory && !flagged.has('ico');
  return {
    hasRegulatory: clocks.length > 0 || canFlagNis || canFlagIco,
    clockLines: clocks.map((c) => clockLine(c, ctx.regulatory?.now ? now : undefined)),
    canFlagNis,
    canFlagIco,
    reportForms: clocks
      .filter((c) => !c.report)
      .map((c) => ({
        title: `Record report (${CLOCK_LABELS[c.kind]})`,
        intro: `When it was reported to ${CLOCK_AUTHORITY[c.kind]} (UK time) and the reference given. Recording it stops the clock.`,
        // Typed the UK way (Input.Date refuses 16/12/2026 in some clients).
        today: typedUkDate(now),
        data: { verb: 'regulatory.report', alertId: alert.id, clock: c.kind },
      })),
  };
}

function cveText(cves: string[]): string {
  if (cves.length <= CARD_CVES) return cves.join(', ');
  return `${cves.slice(0, CARD_CVES).join(', ')} and ${cves.length - CARD_CVES} more`;
}

/**
 * The alert card: severity by colour and word, what it is, where it stands, who is on call, and its
 * buttons. The card is a function of the alert without its timeline, the history lines it shows and
 * the context, so those name it: the same card is not built twice in a row (the answer to a button
 * press, then the update of the channel message for everyone).
 */
export function alertCard(alert: Alert, ctx: AlertCardContext = {}): AdaptiveCard {
  const { timeline, ...content } = alert;
  const history = latestHistory(timeline);
  const delivery = deliveryLines(timeline).map((line) => clip(line, CARD_DELIVERY_LINE));
  // An HSA opens in the tab, where each organisation's response can be read and recorded.
  const tabLink = alert.source === 'hsa' ? tabLinkFor({ kind: 'hsa', id: alert.id }) : undefined;
  const key = JSON.stringify([content, history, delivery, ctx, tabLink]);
  return renderCardKeyed('alerts/alert', key, () =>
    alertCardModel(alert, history, delivery, ctx, tabLink),
  );
}

function alertCardModel(
  alert: Alert,
  history: string[],
  delivery: string[],
  ctx: AlertCardContext,
  tabLink: string | undefined,
) {
  const state = STATE_WORD[alert.state];
  const actions = allowedActions(alert);
  // Bound whole into the FactSet: each is a fact as the card shows it.
  const facts: { title: string; value: string }[] = [
    ...(alert.exercise
      ? [{ title: 'EXERCISE', value: `${clip(alert.exercise.name, 80)}: not a real alert` }]
      : []),
    { title: 'Severity', value: alert.severity },
    { title: 'State', value: state },
  ];
  if (alert.cves.length) facts.push({ title: 'CVEs', value: cveText(alert.cves) });
  if (alert.affectedProducts.length)
    facts.push({
      title: 'Products',
      value: clip(alert.affectedProducts.join(', '), 300),
    });
  if (alert.organisations.length)
    facts.push({ title: 'Organisations', value: clip(alert.organisations.join(', '), 300) });
  facts.push({ title: 'Published', value: formatUkDateTime(alert.publishedAt) });
  facts.push({
    title: 'On call',
    value: ctx.onCall?.length ? clip(ctx.onCall.join(', then '), 300) : 'Nobody is set as on call',
  });
  return {
    alertId: alert.id,
    actionData: cardActionData(alert),
    hasNotice: !!ctx.notice,
    notice: ctx.notice?.text ?? '',
    noticeStyle: ctx.notice?.style ?? 'default',
    headerStyle: headerStyle(alert),
    severityWord: severityWord(alert),
    sourceLabel: sourceLabel(alert),
    title: alert.title,
    stateWord: state,
    stateLine: stateLine(alert),
    summary: clip(alert.summary, CARD_SUMMARY),
    facts,
    remediation: clip(alert.remediation ?? '', CARD_REMEDIATION),
    history,
    delivery,
    hasResponses: alert.source === 'hsa' && !!ctx.responses?.length,
    // An NHS alert below High has no responses until a lead asks for them (the server checks the lead).
    canAskResponses:
      alert.source === 'hsa' &&
      !hasResponseClocks(alert) &&
      ctx.responses !== undefined &&
      ctx.responses.length === 0,
    responses: (alert.source === 'hsa' ? (ctx.responses ?? []) : []).slice(0, 30).map(responseLine),
    hasUrl: !!alert.url,
    url: alert.url ?? '',
    hasTabLink: !!tabLink,
    tabLink: tabLink ?? '',
    canAcknowledge: actions.includes('acknowledge'),
    canResolve: isAllowed(alert, 'resolve'),
    canSnooze: isAllowed(alert, 'snooze'),
    canEscalate: isAllowed(alert, 'escalate'),
    canNote: isAllowed(alert, 'note'),
    snoozeChoices: SNOOZE_CARD_CHOICES,
    ...regulatoryModel(alert, ctx),
  };
}
