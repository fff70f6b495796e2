/** What a signed webhook request gave when it was taken: the answer to the same bytes sent again. */
export interface TakenRequest {
  alertId: string;
  state: string;
}

/**
 * Signed webhook requests taken inside their five minutes, kept in storage so that a restart or another
 * instance knows them too. A request is keyed by its signature (an HMAC of the timestamp and body) and
 * its signed timestamp. Only a request that was taken is recorded (after it was applied): a refused one
 * leaves nothing, and one whose handling stopped part-way is taken when sent again (taking the same
 * version twice changes nothing).
 */
export interface WebhookReplayGuard {
  /** What the request gave when it was taken, or undefined if it has not been. */
  find(signature: string, timestampSeconds: number): Promise<TakenRequest | undefined>;
  /** Records a taken request (a record made first by another instance, in a race, stands). */
  record(signature: string, timestampSeconds: number, taken: TakenRequest): Promise<void>;
  /** Forgets requests signed before the given time (they are refused by their timestamp anyway). */
  forgetBefore(timestampSeconds: number): Promise<void>;
}
