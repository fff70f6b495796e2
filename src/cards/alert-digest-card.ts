import { raiseAlert, type Alert } from '../domain/alerts';
import { alertListCard } from './alert-list-card';
import { alertCard } from './alerts';
import type { AdaptiveCard } from './render';
import type { NoticeStyle } from './views';

/*
 * Storm digests' cards (issue 18): every alert of a storm listed on one card with its own Acknowledge
 * button, and the byte arithmetic that keeps each card under Teams' message size as lines join it.
 */

/**
 * A storm digest's card stays under this many bytes: Teams refuses a message of about 28 KB, and the
 * activity around the card and a notice for whoever pressed a button need the rest.
 */
export const DIGEST_MAX_BYTES = 26 * 1024;
/**
 * Room kept for each line of a digest to grow after it joined: its state line (47 characters for a
 * new alert) once acknowledged by someone with a long name. A line that grows further (resolved
 * with a note, a title its sender lengthened) is what the harder clips below are for.
 */
const DIGEST_LINE_GROWTH_BYTES = 30;
/**
 * Title and state line lengths, tried in turn: shorter ones only when a digest would otherwise pass
 * DIGEST_MAX_BYTES (lines grown since they joined, text in scripts of several bytes a character).
 */
const DIGEST_CLIPS = [
  { title: 200, detail: 100 },
  { title: 80, detail: 80 },
  { title: 40, detail: 50 },
  { title: 24, detail: 30 },
];

/** The bytes a card takes as JSON (UTF-8), as Teams counts a message. */
export const cardBytes = (card: AdaptiveCard): number => Buffer.byteLength(JSON.stringify(card));

/**
 * A storm digest: the alerts that arrived too fast for a card each, every one listed with its own
 * Acknowledge button, under DIGEST_MAX_BYTES.
 */
export function alertDigestCard(
  digestId: string,
  alerts: Alert[],
  notice?: { text: string; style: NoticeStyle },
): AdaptiveCard {
  let card: AdaptiveCard | undefined;
  for (const clipAt of DIGEST_CLIPS) {
    card = alertListCard({
      heading: `Alert storm: ${alerts.length} new alert${alerts.length === 1 ? '' : 's'}`,
      intro:
        'More than 5 alerts arrived within a minute, so they are listed here together instead of a card each. Acknowledge each one here, or type "alerts".',
      alerts,
      from: 'digest',
      digestId,
      notice,
      limit: alerts.length,
      clipAt,
    });
    if (cardBytes(card) <= DIGEST_MAX_BYTES) break;
  }
  return card!;
}

/** A stand-in line for measuring what a one-line digest card holds besides its line. */
const measuringAlert = (): Alert =>
  raiseAlert(
    { source: 'incident', dedupKey: 'measure', title: 'Measure', severity: 'high' },
    { id: 'MEASURE0', actor: { id: 'ctac', name: 'CTAC', source: 'job' }, at: new Date(0) },
  ).alert;
/** What a one-line digest card holds besides its line, by digest id (few ids at once: a storm's). */
const oneLineFrames = new Map<string, number>();
const ONE_LINE_FRAMES_KEPT = 16;

/**
 * The bytes of a one-line digest card less those its line adds to a longer one: lines are laid out
 * one after another, so 2 x (frame + line) - (frame' + 2 x line + comma) holds no line at all.
 */
function oneLineFrameBytes(digestId: string): number {
  let bytes = oneLineFrames.get(digestId);
  if (bytes === undefined) {
    const line = measuringAlert();
    bytes =
      2 * cardBytes(alertDigestCard(digestId, [line])) -
      cardBytes(alertDigestCard(digestId, [line, line]));
    if (oneLineFrames.size >= ONE_LINE_FRAMES_KEPT) oneLineFrames.clear();
    oneLineFrames.set(digestId, bytes);
  }
  return bytes;
}

/**
 * The bytes one alert's line adds to a digest card, with room for it to grow as far as its state line
 * can (acknowledged, resolved), so the digest's later updates stay under DIGEST_MAX_BYTES too. The
 * same as a two-line card of the alert less a one-line one, from one small card rather than two (a
 * storm measures every line it adds; issue 18).
 */
export const digestLineBytes = (digestId: string, alert: Alert): number =>
  cardBytes(alertDigestCard(digestId, [alert])) -
  oneLineFrameBytes(digestId) +
  DIGEST_LINE_GROWTH_BYTES;

/** The bytes of a digest card around its lines (heading, intro), with room for a longer count. */
export const digestFrameBytes = (digestId: string): number =>
  cardBytes(alertDigestCard(digestId, [])) + 16;

/** Whether a storm digest of these alerts has room for each line to grow (see digestLineBytes). */
export const digestFits = (digestId: string, alerts: Alert[]): boolean =>
  alerts.reduce((sum, a) => sum + digestLineBytes(digestId, a), digestFrameBytes(digestId)) <=
  DIGEST_MAX_BYTES;

/**
 * Renders an alert card and a storm digest once, so the templates are parsed and their code compiled
 * before the first alert arrives: done lazily, the first alert of a storm held the event loop for about
 * 200 ms while the webhook's requests queued behind it (issue 18).
 */
export function warmAlertCards(): void {
  const { alert } = raiseAlert(
    { source: 'incident', dedupKey: 'warm-up', title: 'Warm-up', severity: 'high' },
    { id: 'WARMUP00', actor: { id: 'warm-up', name: 'CTAC', source: 'job' }, at: new Date(0) },
  );
  alertCard(alert);
  digestLineBytes('warm-up', alert);
}
