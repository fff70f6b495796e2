/** What the NHS cyber alerts poller keeps between polls (in Table Storage, shared by every instance). */
export interface NhsPollerStore {
  /**
   * Takes the poller for this instance until `until`, unless another instance holds it now: of two
   * instances polling at once, one polls.
   */
  claim(now: Date, until: Date, by: string): Promise<boolean>;
  /** Ends this instance's poll, recording when it finished. */
  release(finishedAt: Date): Promise<void>;
  /** When the last poll finished, if any poll ever did. */
  lastPolledAt(): Promise<Date | undefined>;
  /** The fingerprint last taken in for each threat id that has one. */
  fingerprints(threatIds: string[]): Promise<Map<string, string>>;
  /** Records that this version of the threat was taken in (as this CTAC alert). */
  remember(threatId: string, fingerprint: string, alertId: string, at: Date): Promise<void>;
}
