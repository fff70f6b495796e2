/**
 * What CTAC counts for the operations dashboard (issue 19, section 6). src/telemetry implements it
 * with OpenTelemetry when APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise nothing is recorded.
 */
export interface Metrics {
  /** A new alert was stored (a duplicate or an update of a known alert is not counted). */
  alertIngested(alert: { source: string; severity: string }): void;
  /** The outbox delivered a message to Teams (`kind`: channelPost, personal, update, ...). */
  pageDelivered(kind: string): void;
  /** The outbox gave up on a message. */
  pageFailed(kind: string): void;
  /** Teams answered 429 (too many requests) to a send. */
  teamsThrottled(): void;
  /** Reads the outbox's backlog whenever metrics are collected; answers a function that stops it. */
  observeOutbox(read: () => OutboxBacklog): () => void;
  /** Reads how far behind a job is whenever metrics are collected; answers a function that stops it. */
  observeJob(name: string, lagSeconds: () => number): () => void;
}

/** The messages still to deliver and how long the oldest has waited. */
export interface OutboxBacklog {
  depth: number;
  oldestAgeSeconds: number;
}

/** Records nothing: telemetry off, and tests. */
export const noMetrics: Metrics = {
  alertIngested: () => undefined,
  pageDelivered: () => undefined,
  pageFailed: () => undefined,
  teamsThrottled: () => undefined,
  observeOutbox: () => () => undefined,
  observeJob: () => () => undefined,
};
