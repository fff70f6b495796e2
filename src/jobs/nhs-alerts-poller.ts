import { createHash } from 'crypto';
import type { Logger } from 'pino';
import type { IngestResult } from '../app/alerts/alert-service';
import type { NhsPollerStore } from '../app/alerts/poller-ports';
import {
  mapNhsCyberAlert,
  mapNhsCyberAlertPage,
  type IncomingAlert,
  type NhsCyberAlert,
} from '../domain/alerts';
import { jobActor, type Actor } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import { CtacError, isCtacError } from '../domain/shared/errors';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

export interface NhsAlertsPollerDeps {
  /** NHS_CYBER_ALERTS_URL, e.g. https://.../restapi/CyberAlert (no trailing slash). */
  baseUrl: string;
  ingest: (incoming: IncomingAlert, actor: Actor) => Promise<IngestResult>;
  store: NhsPollerStore;
  clock: Clock;
  instanceId: string;
  logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Pages read per poll at most. */
  maxPages?: number;
  /** Alerts published longer ago than this are not brought in (keeps a first poll from flooding the channel). */
  maxAgeDays?: number;
  /** Per request. */
  timeoutMs?: number;
}

/** What one poll did. */
export interface PollSummary {
  polled: boolean;
  pagesRead: number;
  created: string[];
  updated: string[];
  /** Threat ids whose item changed on the page but whose alert content did not. */
  unchanged: string[];
  /** Items that could not be used, with the reason. */
  skipped: string[];
}

const actor = jobActor('NHS cyber alerts');

/** JSON with object keys sorted, so a fingerprint does not depend on the order the API writes fields in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
const fingerprint = (item: unknown) => createHash('sha256').update(canonical(item)).digest('hex');

/**
 * Polls the NHS England cyber alerts API: reads `/page?page=N` newest first, and for every alert that
 * is new or whose item changed, reads `/single?threatid=...` for the details (CVEs, remediation) and
 * ingests it as an HSA: a new alert gets a card, a changed one updates its card. It stops at the first
 * page with nothing new. What it has taken in is kept in Table Storage, so a restart does not re-post.
 */
export class NhsAlertsPoller {
  private readonly job: ScheduledJob;

  constructor(private readonly deps: NhsAlertsPollerDeps) {
    this.job = new ScheduledJob(async () => void (await this.poll()), {
      name: 'NHS cyber alerts poll',
      logger: deps.logger,
      runAtStart: true,
    });
  }

  async poll(): Promise<PollSummary> {
    const summary: PollSummary = {
      polled: false,
      pagesRead: 0,
      created: [],
      updated: [],
      unchanged: [],
      skipped: [],
    };
    const now = this.deps.clock.now();
    const lease = new Date(now.getTime() + 2 * 60_000);
    if (!(await this.deps.store.claim(now, lease, this.deps.instanceId))) return summary;
    summary.polled = true;
    try {
      await this.readPages(now, summary);
    } finally {
      await this.deps.store.release(this.deps.clock.now());
    }
    if (summary.created.length || summary.updated.length || summary.skipped.length)
      this.deps.logger?.info(summary, 'NHS cyber alerts: polled');
    return summary;
  }

  /**
   * Brings in one HSA by its id now (the chat's `hsa CC-4719`): reads `/single` and ingests it.
   * Throws a `not_found` CtacError when the API does not know the id (it answers 403 then).
   */
  async fetchOne(threatId: string): Promise<IngestResult> {
    const id = threatId.trim().toUpperCase();
    if (!/^[A-Z0-9-]{1,40}$/.test(id))
      throw new CtacError('validation', 'Please check the HSA id.', [
        'An HSA id looks like CC-4719.',
      ]);
    const res = await this.get(`/single?threatid=${encodeURIComponent(id)}`);
    const mapped = res.status === 200 ? mapNhsCyberAlert(res.json) : undefined;
    if (!mapped?.ok || mapped.value.incoming.dedupKey !== id)
      throw new CtacError(
        'not_found',
        `NHS England's cyber alerts service does not know ${id}, or it is for registered organisations only.`,
      );
    return this.deps.ingest(mapped.value.incoming, actor);
  }

  private async readPages(now: Date, summary: PollSummary): Promise<void> {
    const oldest = now.getTime() - (this.deps.maxAgeDays ?? 30) * 86_400_000;
    const maxPages = this.deps.maxPages ?? 5;
    for (let page = 1; page <= maxPages; page++) {
      const res = await this.get(`/page?page=${page}`);
      if (res.status !== 200)
        throw new Error(`NHS cyber alerts API answered ${res.status} for page ${page}`);
      summary.pagesRead++;
      const mapped = mapNhsCyberAlertPage(res.json);
      summary.skipped.push(...mapped.skipped.map((s) => `Page ${page}: ${s}`));
      const items: unknown[] = Array.isArray((res.json as { items?: unknown })?.items)
        ? (res.json as { items: unknown[] }).items
        : [];
      const byId = new Map<string, unknown>();
      for (const item of items) {
        const one = mapNhsCyberAlert(item);
        if (one.ok) byId.set(one.value.incoming.dedupKey, item);
      }
      const recent = mapped.alerts.filter(
        (a) => !a.incoming.publishedAt || Date.parse(a.incoming.publishedAt) >= oldest,
      );
      const known = await this.deps.store.fingerprints(recent.map((a) => a.incoming.dedupKey));
      let anythingNew = false;
      for (const alert of recent) {
        const id = alert.incoming.dedupKey;
        const print = fingerprint(byId.get(id));
        if (known.get(id) === print) continue;
        anythingNew = true;
        await this.takeIn(alert, print, summary);
      }
      // Without totalPages, read on while pages have items (and something new).
      const lastPage = mapped.totalPages !== undefined && page >= mapped.totalPages;
      // Newest first: a page with nothing new, or only old alerts, means the rest is known or too old.
      if (!anythingNew || recent.length < mapped.alerts.length || lastPage || items.length === 0)
        return;
    }
  }

  /** Reads the details and ingests one new or changed alert. */
  private async takeIn(alert: NhsCyberAlert, print: string, summary: PollSummary): Promise<void> {
    const id = alert.incoming.dedupKey;
    const single = await this.get(`/single?threatid=${encodeURIComponent(id)}`);
    // /single answers 403 for an id it does not know (and for restricted alerts): the page item will do.
    const detailed = single.status === 200 ? mapNhsCyberAlert(single.json) : undefined;
    const incoming =
      detailed?.ok && detailed.value.incoming.dedupKey === id
        ? mergeDetails(alert, detailed.value)
        : alert.incoming;
    try {
      const result = await this.deps.ingest(incoming, actor);
      if (result.outcome === 'created') summary.created.push(id);
      else if (result.outcome === 'updated') summary.updated.push(id);
      else summary.unchanged.push(id);
      await this.deps.store.remember(id, print, result.alert.id, this.deps.clock.now());
    } catch (e) {
      if (!isCtacError(e) || e.code !== 'validation') throw e;
      // The alert itself is unusable; remember this version so it is not tried on every poll.
      summary.skipped.push(`${id}: ${e.problems.join(' ') || e.message}`);
      await this.deps.store.remember(id, print, '', this.deps.clock.now());
    }
  }

  private async get(path: string): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.deps.baseUrl}${path}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.deps.timeoutMs ?? 20_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  }

  /**
   * Polls every `intervalMs` (and once now) until stopped, less often while polls fail (JobLoop); the
   * timer does not keep the process alive.
   */
  start(intervalMs: number, settings: LoopSettings = {}): void {
    this.job.start(intervalMs, settings);
  }

  /** Stops polling and waits for a poll in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}

/** The /single answer, with anything it leaves out taken from the page item. */
function mergeDetails(page: NhsCyberAlert, single: NhsCyberAlert): IncomingAlert {
  const merged: IncomingAlert = { ...page.incoming };
  for (const [key, value] of Object.entries(single.incoming))
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  // Without a severity /single maps to Information only: keep the page's if the page gave one.
  if (!single.severityGiven && page.severityGiven) merged.severity = page.incoming.severity;
  return merged;
}
