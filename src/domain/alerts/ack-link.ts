import type { Actor } from '../shared/actor';
import type { Alert } from './alert';

/*
 * Acknowledge from the phone (issue 16): a text or email carries a one-time link to a small page with the
 * alert's title and severity and one Acknowledge button. The token in the link is the credential, so the
 * rules here decide everything the page may show and whether a press may acknowledge.
 */

/** Which page carried the link; the acknowledgement is recorded with this as its source. */
export type AckChannel = 'sms' | 'email';

/** A link stops working this long after it was issued, whatever happens to the alert. */
export const ACK_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** One issued link: bound to one person and one alert, used at most once. Instants are ISO 8601. */
export interface AckLink {
  /** The Entra object id of the person the page went to. */
  memberId: string;
  alertId: string;
  channel: AckChannel;
  createdAt: string;
  /** Set once the link has been used to acknowledge. */
  usedAt?: string;
}

/** What the alert needs to show for the page to be drawn. */
export type AckAlertFacts = Pick<
  Alert,
  'id' | 'title' | 'severity' | 'state' | 'acknowledgedBy' | 'acknowledgedAt'
>;

/**
 * The page a link opens:
 * - `valid`: the alert's title and severity and the Acknowledge button;
 * - `acknowledged`: someone has it already (who and when), no button; the link stays unused;
 * - `used`: this link acknowledged once already;
 * - `expired`: 24 hours have passed, or the alert is closed;
 * - `not_found`: no such link (forged, mistyped), or its alert is gone.
 */
export type AckPage =
  | { kind: 'valid'; alert: AckAlertFacts; channel: AckChannel }
  | { kind: 'acknowledged'; alert: AckAlertFacts; by?: Actor; at?: string }
  | { kind: 'used' }
  | { kind: 'expired' }
  | { kind: 'not_found' };

/** When the link stops working on its own. */
export const ackLinkExpiresAt = (link: Pick<AckLink, 'createdAt'>): Date =>
  new Date(new Date(link.createdAt).getTime() + ACK_LINK_LIFETIME_MS);

/**
 * Decides the page for a link (undefined when no link has this token) and its alert, at `now`. A used
 * link says so even once it has expired too: that is what its holder needs to know.
 */
export function ackPageFor(
  link: AckLink | undefined,
  alert: AckAlertFacts | undefined,
  now: Date,
): AckPage {
  if (!link || !alert || alert.id !== link.alertId) return { kind: 'not_found' };
  if (link.usedAt) return { kind: 'used' };
  if (alert.state === 'resolved' || now.getTime() >= ackLinkExpiresAt(link).getTime())
    return { kind: 'expired' };
  if (alert.state === 'acknowledged')
    return {
      kind: 'acknowledged',
      alert,
      ...(alert.acknowledgedBy ? { by: alert.acknowledgedBy } : {}),
      ...(alert.acknowledgedAt ? { at: alert.acknowledgedAt } : {}),
    };
  return { kind: 'valid', alert, channel: link.channel };
}

/** The link as it is once used at `at`. */
export const useAckLink = (link: AckLink, at: Date): AckLink => ({
  ...link,
  usedAt: at.toISOString(),
});
