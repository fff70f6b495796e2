import { createHash, randomBytes } from 'crypto';
import type { AlertOutcome } from '../../domain/alerts/alert-outcome';
import {
  ACK_LINK_LIFETIME_MS,
  ackPageFor,
  useAckLink,
  type AckChannel,
  type AckLink,
  type AckPage,
} from '../../domain/alerts/ack-link';
import type { Clock } from '../../domain/shared/clock';
import type { Conditional, MemberRepository } from '../ports';
import type { AlertCaller } from './alert-service';
import type { AlertRepository } from './ports';

/** A stored link with the ETag its next conditional write must match. */
export interface StoredAckLink {
  link: AckLink;
  etag: string;
}

/**
 * Issued links, keyed by the SHA-256 of their token (src/store/ack-link-store.ts). The token itself is
 * never given to the store: a copy of the table cannot acknowledge anything.
 */
export interface AckLinkStore {
  /** Stores a new link; `exists` if the hash is taken (it never is, short of a broken random source). */
  create(tokenHash: string, link: AckLink): Promise<Conditional<void>>;
  get(tokenHash: string): Promise<StoredAckLink | undefined>;
  /** Replaces the link only if unchanged since `etag`; a lost race is a `conflict`. */
  replace(tokenHash: string, link: AckLink, etag: string): Promise<Conditional<string>>;
  /** Deletes every link issued before `createdBefore` (ISO 8601); answers how many went. */
  removeIssuedBefore(createdBefore: string): Promise<number>;
}

export interface AckLinksDeps {
  store: AckLinkStore;
  alerts: Pick<AlertRepository, 'get'>;
  members: Pick<MemberRepository, 'get'>;
  /** The acknowledgement the card makes (AlertService.acknowledge): it updates the channel card too. */
  acknowledge: (caller: AlertCaller, alertId: string) => Promise<AlertOutcome>;
  clock: Clock;
  /** The app's public address (CTAC_PUBLIC_URL), which the links start with. */
  baseUrl: () => string;
  /** 32 random bytes; tests may choose them. */
  randomBytes?: () => Buffer;
}

/** What pressing Acknowledge did. */
export type AckPress =
  /** The alert is acknowledged by the link's person, from the page. */
  | { kind: 'acknowledged'; name: string; alertTitle: string }
  /** The alert refused (already acknowledged by someone, resolved meanwhile): its message; the link stays unused. */
  | { kind: 'refused'; message: string }
  /** Nothing to press any more: the page the link shows now instead. */
  | { kind: 'page'; page: Exclude<AckPage, { kind: 'valid' }> };

/**
 * How long a link is kept once it has expired, used or not: a late tap meanwhile still gets the clear
 * "expired" (or "used") page; after that the row goes and a tap gets the "not valid" page.
 */
export const ACK_LINK_KEPT_AFTER_EXPIRY_MS = 7 * 24 * 60 * 60 * 1000;

/** 32 random bytes in base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The key a token is stored under. */
export const ackTokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Acknowledge from the phone (issue 16): `issue` makes the one-time link a text or email carries, `page`
 * decides what the link opens, and `acknowledge` is the press of its button. The token is the credential:
 * only its hash is stored; using it is a conditional write, so two presses (or two instances) acknowledge
 * once.
 */
export class AckLinks {
  constructor(private readonly deps: AckLinksDeps) {}

  /** A new link for one person and one alert: `<CTAC_PUBLIC_URL>/ack/<token>`. */
  async issue(memberId: string, alertId: string, channel: AckChannel): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = (this.deps.randomBytes?.() ?? randomBytes(32)).toString('base64url');
      const link: AckLink = {
        memberId: memberId.toLowerCase(),
        alertId,
        channel,
        createdAt: this.deps.clock.now().toISOString(),
      };
      const created = await this.deps.store.create(ackTokenHash(token), link);
      if (created.ok) return `${this.deps.baseUrl().replace(/\/+$/, '')}/ack/${token}`;
    }
    throw new Error('Three random tokens in a row were taken: the random source is broken.');
  }

  /**
   * Deletes the links that expired more than ACK_LINK_KEPT_AFTER_EXPIRY_MS ago (every link expires 24 hours
   * after it was issued, used or not); answers how many went.
   */
  removeOld(now: Date = this.deps.clock.now()): Promise<number> {
    const issuedBefore = now.getTime() - ACK_LINK_LIFETIME_MS - ACK_LINK_KEPT_AFTER_EXPIRY_MS;
    return this.deps.store.removeIssuedBefore(new Date(issuedBefore).toISOString());
  }

  /** The page a link opens now. A token not of the form CTAC issues is not looked up. */
  async page(token: string): Promise<AckPage> {
    return (await this.read(token)).page;
  }

  /**
   * Acknowledges the link's alert as its person, with the link's channel as the source. The link is
   * claimed first (on its ETag) and given back if the alert refuses or the acknowledgement fails, so it is
   * used up only by an acknowledgement that happened.
   */
  async acknowledge(token: string): Promise<AckPress> {
    const { page, stored, hash } = await this.read(token);
    if (page.kind !== 'valid') return { kind: 'page', page };
    if (!stored || !hash) return { kind: 'page', page: { kind: 'not_found' } };
    const member = await this.deps.members.get(stored.link.memberId);
    if (!member) return { kind: 'page', page: { kind: 'not_found' } };
    const claimed = await this.deps.store.replace(
      hash,
      useAckLink(stored.link, this.deps.clock.now()),
      stored.etag,
    );
    // Someone pressed the same link a moment earlier.
    if (!claimed.ok) return { kind: 'page', page: { kind: 'used' } };
    const giveBack = () => this.deps.store.replace(hash, stored.link, claimed.value);
    let outcome: AlertOutcome;
    try {
      outcome = await this.deps.acknowledge(
        { member, source: stored.link.channel },
        stored.link.alertId,
      );
    } catch (e) {
      await giveBack().catch(() => undefined);
      throw e;
    }
    if (!outcome.ok) {
      await giveBack();
      return { kind: 'refused', message: outcome.message };
    }
    return { kind: 'acknowledged', name: member.name, alertTitle: outcome.alert.title };
  }

  private async read(
    token: string,
  ): Promise<{ page: AckPage; stored?: StoredAckLink; hash?: string }> {
    if (!TOKEN.test(token)) return { page: { kind: 'not_found' } };
    const hash = ackTokenHash(token);
    const stored = await this.deps.store.get(hash);
    if (!stored) return { page: { kind: 'not_found' } };
    const alert = (await this.deps.alerts.get(stored.link.alertId))?.alert;
    return { page: ackPageFor(stored.link, alert, this.deps.clock.now()), stored, hash };
  }
}
