import type { AlertSummary, HsaFollowUp, HsaResponse, HsaResponseEvent } from '../../domain/alerts';
import type { Conditional } from '../ports';

/** An organisation's stored response to an HSA, with the ETag its next change must match. */
export interface StoredHsaResponse {
  response: HsaResponse;
  etag: string;
}

/**
 * A followed HSA as its follow-up row keeps it for the board: the follow-up and, once kept, the HSA's
 * summary and every organisation's response (`responses` unset on a row that predates keeping them).
 */
export interface KeptHsa {
  followUp: HsaFollowUp;
  alert?: AlertSummary;
  responses?: HsaResponse[];
  etag: string;
}

/** Every ICS organisation's response to each HSA, and the audit trail of changes to them. */
export interface HsaResponseRepository {
  /** Every stored response to the HSA (organisations that have said nothing have none). */
  list(alertId: string): Promise<StoredHsaResponse[]>;
  get(alertId: string, orgCode: string): Promise<StoredHsaResponse | undefined>;
  /**
   * Saves the response and its event, or the events of several changes made together, in one
   * transaction: creates it when `etag` is undefined (a lost race is `exists`), else replaces it if
   * unchanged since `etag` (a lost race is `conflict`).
   */
  save(
    response: HsaResponse,
    events: HsaResponseEvent | readonly HsaResponseEvent[],
    etag: string | undefined,
  ): Promise<Conditional<StoredHsaResponse>>;
  /** Every event about the HSA's responses, oldest first. */
  events(alertId: string): Promise<HsaResponseEvent[]>;
  /** Records that a reminder was sent; false if it had been already (by any instance). */
  markReminded(alertId: string, reminderKey: string, at: Date): Promise<boolean>;
  /** Starts following up an HSA; one already followed is left as it is (false). */
  follow(followUp: HsaFollowUp): Promise<boolean>;
  getFollowUp(alertId: string): Promise<HsaFollowUp | undefined>;
  /** The HSAs followed up that some organisation has not finished, or those every organisation has. */
  followUps(which: 'unfinished' | 'finished'): Promise<HsaFollowUp[]>;
  /** Records the follow-up as it now is (finished or not); what the row keeps for the board stays. */
  saveFollowUp(followUp: HsaFollowUp): Promise<void>;
  /** Every followed HSA, finished or not, as kept for the board: one query. */
  keptHsas(): Promise<KeptHsa[]>;
  keptHsa(alertId: string): Promise<KeptHsa | undefined>;
  /**
   * Keeps the follow-up with the HSA's summary and every organisation's response on its row: creates
   * it when `etag` is undefined, else replaces it if unchanged since `etag`; false on a lost race.
   */
  keep(
    followUp: HsaFollowUp,
    alert: AlertSummary,
    responses: readonly HsaResponse[],
    etag: string | undefined,
  ): Promise<boolean>;
}
