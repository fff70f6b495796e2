/*
 * Following up each HSA with the ICS organisations until every one has finished: the follow-up rows,
 * what they keep for the board (the HSA's summary and every organisation's response), and the HSA
 * board read from them. Used by HsaResponses.
 */
import type { Logger } from 'pino';
import {
  hasResponseClocks,
  isHsaFinished,
  type Alert,
  type AlertSummary,
  type HsaFollowUp,
} from '../../domain/alerts';
import type { Organisation } from '../../domain/people/organisation';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { OrganisationRepository } from '../ports';
import { linesFrom, type HsaResponseLine } from './hsa-response-lines';
import type { HsaResponseRepository, KeptHsa } from './hsa-response-ports';
import type { AlertRepository } from './ports';

/** One HSA on the board: the alert (open or resolved in the channel) and every organisation's line. */
export interface HsaBoardEntry {
  alert: AlertSummary;
  lines: HsaResponseLine[];
}

/**
 * The HSA board: `current` lists every HSA some organisation has not finished (patched, mitigated or
 * not affected), whether or not its channel alert is resolved; `history` the latest HSAs every
 * organisation has finished, newest first.
 */
export interface HsaBoard {
  current: HsaBoardEntry[];
  history: HsaBoardEntry[];
}

/** How many finished HSAs the board's history shows. */
export const HSA_HISTORY_LIMIT = 50;

export interface HsaFollowUpsDeps {
  alerts: Pick<AlertRepository, 'get' | 'listOpen'>;
  responses: HsaResponseRepository;
  organisations: OrganisationRepository;
  clock: Clock;
  logger?: Pick<Logger, 'error'>;
}

/** What the board reads once: every follow-up row, the open HSAs by id, and the organisations. */
export interface KeptBoard {
  kept: KeptHsa[];
  openHsas: Map<string, AlertSummary>;
  orgs: readonly Organisation[];
  /** The follow-ups this read found finished (the history shows them at once). */
  finishedNow: KeptHsa[];
}

/** The HSAs followed up with the organisations, and the board, for HsaResponses. */
export class HsaFollowUps {
  constructor(private readonly deps: HsaFollowUpsDeps) {}

  /**
   * Starts following up an HSA with clocks (High) with the organisations when it is raised or changed,
   * so its responses and reminders outlive the channel alert (`raised`: just created, so with no
   * responses). Anything else is ignored; one followed already is left as it is.
   */
  async follow(alert: Alert | AlertSummary, opts: { raised?: boolean } = {}): Promise<void> {
    if (alert.source !== 'hsa' || !hasResponseClocks(alert)) return;
    const followUp: HsaFollowUp = { alertId: alert.id, since: this.deps.clock.now().toISOString() };
    // Just raised, no organisation has responded yet: the row keeps the HSA and that, so the board
    // and the quarter figures need read nothing else for it (settleFollowUp keeps each response).
    if (opts.raised) await this.deps.responses.keep(followUp, summaryOf(alert)!, [], undefined);
    else await this.deps.responses.follow(followUp);
  }

  /**
   * The HSA board: what each organisation has still to do, and the finished HSAs. Read from the
   * follow-up rows, which keep each HSA's summary and responses, and the open alerts: two queries (and
   * the organisations, unless given). A row that predates keeping them, or keeps an HSA since resolved,
   * is read from the HSA's own partition and the alert once, and kept.
   */
  async board(now: Date, orgs?: readonly Organisation[]): Promise<HsaBoard> {
    const read = await this.keptBoard(orgs);
    const current = await this.followedHsas(now, read);
    const finished = [...read.kept, ...read.finishedNow]
      .filter((k) => k.followUp.finishedAt)
      .sort((a, b) => (b.followUp.finishedAt ?? '').localeCompare(a.followUp.finishedAt ?? ''))
      .slice(0, HSA_HISTORY_LIMIT);
    const history: HsaBoardEntry[] = [];
    for (const kept of finished) {
      const entry = await this.keptEntry(kept, read, now);
      if (entry) history.push(entry);
    }
    return {
      current: current.sort((a, b) => b.alert.publishedAt.localeCompare(a.alert.publishedAt)),
      history,
    };
  }

  /** Every follow-up row, the open HSAs and the organisations (unless given), read at once. */
  async keptBoard(orgs?: readonly Organisation[]): Promise<KeptBoard> {
    const [kept, open, organisations] = await Promise.all([
      this.deps.responses.keptHsas(),
      this.deps.alerts.listOpen(),
      orgs ?? this.deps.organisations.list(),
    ]);
    return {
      kept,
      openHsas: new Map(open.filter((a) => a.source === 'hsa').map((a) => [a.id, a])),
      orgs: organisations,
      finishedNow: [],
    };
  }

  /**
   * Every HSA some organisation has not finished, with its lines: those followed up, and any open in
   * the channel (an HSA raised before follow-ups existed starts being followed here). One found
   * finished is recorded so, and left out (and added to `read.finishedNow`).
   */
  async followedHsas(now: Date, read: KeptBoard): Promise<HsaBoardEntry[]> {
    const byId = new Map(read.kept.map((k) => [k.followUp.alertId, k]));
    const unfinished = read.kept
      .filter((k) => !k.followUp.finishedAt)
      .map((k) => k.followUp.alertId);
    const entries: HsaBoardEntry[] = [];
    for (const id of new Set([...unfinished, ...read.openHsas.keys()])) {
      let kept = byId.get(id);
      if (kept?.followUp.finishedAt) continue;
      if (!kept) {
        // An alert below High is for information until a lead asks for responses.
        if (!hasResponseClocks(read.openHsas.get(id)!)) continue;
        const followUp: HsaFollowUp = { alertId: id, since: now.toISOString() };
        await this.deps.responses.follow(followUp);
        kept = (await this.deps.responses.keptHsa(id)) ?? { followUp, etag: '' };
      }
      const entry = await this.keptEntry(kept, read, now);
      if (!entry) continue;
      if (isHsaFinished(entry.lines.map((l) => l.response))) {
        const followUp = { ...kept.followUp, finishedAt: now.toISOString() };
        await this.deps.responses.saveFollowUp(followUp);
        read.finishedNow.push({ ...kept, followUp, alert: entry.alert });
        continue;
      }
      entries.push(entry);
    }
    return entries;
  }

  /**
   * One followed HSA's entry from its row: the open alert, or the kept summary of one resolved; the
   * kept responses. A row without responses, or keeping an alert since resolved, is made good from the
   * HSA's partition and the alert (kept only if the row has not changed meanwhile).
   */
  private async keptEntry(
    kept: KeptHsa,
    read: KeptBoard,
    now: Date,
  ): Promise<HsaBoardEntry | undefined> {
    const id = kept.followUp.alertId;
    let alert: AlertSummary | undefined = read.openHsas.get(id);
    let stale = !kept.responses;
    if (!alert && kept.alert?.state === 'resolved') alert = kept.alert;
    if (!alert) {
      alert = summaryOf((await this.deps.alerts.get(id))?.alert);
      if (!alert) return undefined;
      stale = true;
    }
    let responses = kept.responses;
    if (!responses || stale) {
      responses ??= (await this.deps.responses.list(id)).map((s) => s.response);
      if (kept.etag)
        await this.deps.responses
          .keep(kept.followUp, alert, responses, kept.etag)
          .catch((err) =>
            this.deps.logger?.error({ err, alertId: id }, 'keeping the HSA responses failed'),
          );
    }
    return { alert, lines: linesFrom(alert, read.orgs, responses, now) };
  }

  /**
   * After a response changed: keeps every organisation's response and the HSA's summary on its
   * follow-up row, finished exactly when every organisation is. Re-read and written again if the row
   * changed meanwhile, so the row never keeps an older response than the HSA's partition.
   */
  async settleFollowUp(alert: Alert, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const kept = await this.deps.responses.keptHsa(alert.id);
      const [orgs, stored] = await Promise.all([
        this.deps.organisations.list(),
        this.deps.responses.list(alert.id),
      ]);
      const responses = stored.map((s) => s.response);
      const lines = linesFrom(alert, orgs, responses, now);
      const finished = isHsaFinished(lines.map((l) => l.response));
      const { finishedAt, ...unfinished } = kept?.followUp ?? {
        alertId: alert.id,
        since: now.toISOString(),
      };
      const followUp: HsaFollowUp = finished
        ? { ...unfinished, finishedAt: finishedAt ?? now.toISOString() }
        : unfinished;
      if (await this.deps.responses.keep(followUp, summaryOf(alert)!, responses, kept?.etag))
        return;
    }
    throw new CtacError(
      'conflict',
      'The HSA follow-up kept changing; it is made good on the next read.',
    );
  }
}

/** The alert without its timeline, as the board keeps it. */
function summaryOf(alert: Alert | AlertSummary | undefined): AlertSummary | undefined {
  if (!alert) return undefined;
  const { timeline: _timeline, ...summary } = alert as Alert;
  return summary;
}
