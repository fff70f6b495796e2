import { metrics as otel, type Meter } from '@opentelemetry/api';
import type { Metrics, OutboxBacklog } from '../app/metrics';

/**
 * The CTAC metrics as OpenTelemetry instruments. Made after the Azure Monitor distro has set the
 * global meter provider (the API has no proxy for meters); with none set, every instrument is a no-op.
 */
export function openTelemetryMetrics(meter: Meter = otel.getMeter('ctac')): Metrics {
  const ingested = meter.createCounter('ctac.alerts.ingested', {
    description: 'New alerts stored (webhook, NHS feed, chat)',
  });
  const delivered = meter.createCounter('ctac.pages.delivered', {
    description: 'Messages the outbox delivered to Teams',
  });
  const failed = meter.createCounter('ctac.pages.failed', {
    description: 'Messages the outbox gave up on',
  });
  const throttled = meter.createCounter('ctac.teams.throttled', {
    description: 'Sends Teams answered with 429 (too many requests)',
  });
  const depth = meter.createObservableGauge('ctac.outbox.depth', {
    description: 'Messages waiting in the outbox',
  });
  const oldest = meter.createObservableGauge('ctac.outbox.oldest_age_seconds', {
    description: 'How long the oldest message in the outbox has waited',
    unit: 's',
  });
  const lag = meter.createObservableGauge('ctac.jobs.lag_seconds', {
    description: 'How far a job is behind its schedule (0 while it keeps time)',
    unit: 's',
  });

  const outboxes = new Set<() => OutboxBacklog>();
  const jobs = new Set<{ name: string; read: () => number }>();
  const watch = <T>(set: Set<T>, item: T) => {
    set.add(item);
    return () => void set.delete(item);
  };
  depth.addCallback((result) => {
    for (const read of outboxes) result.observe(read().depth);
  });
  oldest.addCallback((result) => {
    for (const read of outboxes) result.observe(read().oldestAgeSeconds);
  });
  lag.addCallback((result) => {
    for (const job of jobs) result.observe(job.read(), { job: job.name });
  });

  return {
    alertIngested: ({ source, severity }) => ingested.add(1, { source, severity }),
    pageDelivered: (kind) => delivered.add(1, { kind }),
    pageFailed: (kind) => failed.add(1, { kind }),
    teamsThrottled: () => throttled.add(1),
    observeOutbox: (read) => watch(outboxes, read),
    observeJob: (name, read) => watch(jobs, { name, read }),
  };
}
