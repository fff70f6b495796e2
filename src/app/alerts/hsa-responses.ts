import type { Logger } from 'pino';
import {
  applyHsaResponseChanges,
  hsaResponseDueDates,
  hasResponseClocks,
  hsaResponseFormChanges,
  isHsaFinished,
  isHsaRefusalWorthTelling,
  isResponseFinished,
  newHsaResponse,
  overdueItems,
  responsesExpected,
  type Alert,
  type AlertSummary,
  type HsaFollowUp,
  type HsaResponse,
  type HsaResponseChange,
  type HsaResponseDueDates,
  type HsaResponseForm,
  type HsaResponseOutcome,
  type OverdueItem,
} from '../../domain/alerts';
import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { TabTarget } from '../../domain/shared/tab-links';
import type { Directory } from '../directory';
import type { Organisation } from '../../domain/people/organisation';
import type { MemberRepository, OrganisationRepository } from '../ports';
import type { AlertCaller } from './alert-service';
import type { HsaResponseRepository, KeptHsa } from './hsa-response-ports';
import type { AlertNotifier, AlertRepository } from './ports';

export type { HsaResponseChange, HsaResponseForm } from '../../domain/alerts';

/** What a response form did: the refusals worth telling the person (empty when all is recorded). */
export interface HsaFormResult {
  refusals: string[];
}

/** One organisation's line on the HSA card: its response, deadlines and what is overdue now. */
export interface HsaResponseLine {
  orgCode: string;
  orgName: string;
  response: HsaResponse;
  due: HsaResponseDueDates;
  overdue: OverdueItem[];
}

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

export interface HsaResponsesDeps {
  alerts: Pick<AlertRepository, 'get' | 'listOpen'>;
  responses: HsaResponseRepository;
  organisations: OrganisationRepository;
  members: MemberRepository;
  directory: Pick<Directory, 'require'>;
  notifier: AlertNotifier;
  clock: Clock;
  logger?: Pick<Logger, 'info' | 'error'>;
  /** A link opening the HSA in the CTAC tab, for reminders; none when the Teams app id is not set. */
  tabLink?: (target: TabTarget) => string | undefined;
}

/**
 * Each ICS organisation's response to an HSA: a member sets their own organisation's, and overdue
 * responses get one reminder each in the HSA's thread, mentioning that organisation's members.
 */
export class HsaResponses {
  constructor(private readonly deps: HsaResponsesDeps) {}

  /** Every ICS organisation's response to the HSA, with deadlines and what is overdue, by code. */
  async lines(alertId: string, now: Date = this.deps.clock.now()): Promise<HsaResponseLine[]> {
    const alert = await this.hsa(alertId);
    if (!responsesExpected(alert, await this.followUpOf(alert))) return [];
    return this.linesFor(alert, now);
  }

  /**
   * A lead asks every organisation to record its response to an NHS alert below High, which has none
   * otherwise. No clocks start: the responses are for the board, and nobody is reminded. Asking about
   * an HSA with clocks, or again, changes nothing. Answers what to tell the lead.
   */
  async askForResponses(caller: AlertCaller, alertId: string): Promise<{ message: string }> {
    const lead = this.deps.directory.require(
      caller.member,
      'lead',
      'ask organisations to respond to an alert',
    );
    const alert = await this.hsa(alertId);
    if (hasResponseClocks(alert))
      return { message: 'Every organisation responds to a High Severity Alert already.' };
    const now = this.deps.clock.now().toISOString();
    const followUp = await this.followUpOf(alert);
    if (followUp?.askedAt) return { message: 'The organisations have been asked already.' };
    const asked: HsaFollowUp = {
      alertId: alert.id,
      since: followUp?.since ?? now,
      askedBy: { id: lead.aadObjectId, name: lead.name, source: caller.source },
      askedAt: now,
    };
    await this.deps.responses.saveFollowUp(asked);
    await this.deps.notifier
      .refreshCard(alert)
      .catch((err) => this.deps.logger?.error({ err, alertId }, 'refreshing the HSA card failed'));
    return { message: 'Each organisation can now record its response on the card.' };
  }

  /**
   * Changes the caller's own organisation's response. A member with no organisation, or someone who
   * is not a member, changes nothing. A lost race is re-read once, so the answer reflects the winner.
   */
  async respond(
    caller: AlertCaller,
    alertId: string,
    change: HsaResponseChange,
  ): Promise<HsaResponseOutcome> {
    const [outcome] = await this.change(caller, alertId, [change]);
    return outcome!;
  }

  /**
   * The HSA card's response form: checks it, then makes every change it asks for and saves them in one
   * step (one write, an audit event per change). A form with a choice the card never offers changes
   * nothing; a refusal of the caller (not a member, no organisation) is thrown before the HSA is read.
   */
  async respondWithForm(
    caller: AlertCaller,
    alertId: string,
    form: HsaResponseForm,
  ): Promise<HsaFormResult> {
    const { changes, problems } = hsaResponseFormChanges(form);
    if (problems.length) throw new CtacError('validation', 'Please check the response.', problems);
    const outcomes = await this.change(caller, alertId, changes);
    return {
      refusals: outcomes.flatMap((o) =>
        !o.ok && isHsaRefusalWorthTelling(o.code) ? [o.message] : [],
      ),
    };
  }

  /** Applies the changes to the caller's organisation's response and saves them together. */
  private async change(
    caller: AlertCaller,
    alertId: string,
    changes: readonly HsaResponseChange[],
  ): Promise<HsaResponseOutcome[]> {
    const member = this.deps.directory.require(
      caller.member,
      'member',
      'respond to HSAs for their organisation',
    );
    if (!member.orgCode)
      throw new CtacError(
        'forbidden',
        'You are not linked to an ICS organisation yet. Ask an admin to set your organisation.',
      );
    const alert = await this.hsa(alertId);
    if (!responsesExpected(alert, await this.followUpOf(alert)))
      throw new CtacError(
        'bad_request',
        'NHS England published this alert for information: organisations respond to it only if a lead asks them to.',
      );
    const actor = { id: member.aadObjectId, name: member.name, source: caller.source };
    for (let attempt = 0; attempt < 2; attempt++) {
      const stored = await this.deps.responses.get(alert.id, member.orgCode);
      const current = stored?.response ?? newHsaResponse(alert.id, member.orgCode);
      const now = this.deps.clock.now();
      const result = applyHsaResponseChanges(current, changes, actor, now);
      if (!result.events.length) return result.outcomes;
      const saved = await this.deps.responses.save(result.response, result.events, stored?.etag);
      if (!saved.ok) continue;
      await this.settleFollowUp(alert, now).catch((err) =>
        this.deps.logger?.error({ err, alertId }, 'updating the HSA follow-up failed'),
      );
      await this.deps.notifier
        .refreshCard(alert)
        .catch((err) =>
          this.deps.logger?.error({ err, alertId }, 'refreshing the HSA card failed'),
        );
      return result.outcomes;
    }
    throw new CtacError(
      'conflict',
      `Someone else from ${member.orgCode} changed this response at the same moment. Please look at the card and try again.`,
    );
  }

  /**
   * Starts following up an HSA with clocks (High) with the organisations when it is raised or changed,
   * so its responses and reminders outlive the channel alert. Anything else is ignored.
   */
  async follow(alert: Pick<AlertSummary, 'id' | 'source' | 'severityRank'>): Promise<void> {
    if (alert.source !== 'hsa' || !hasResponseClocks(alert)) return;
    await this.deps.responses.follow({
      alertId: alert.id,
      since: this.deps.clock.now().toISOString(),
    });
  }

  /**
   * Sends one reminder per overdue item (acknowledgement, update, patch) per organisation not finished
   * per HSA followed up (open in the channel or not) in the HSA's thread, mentioning that organisation's
   * members. Claimed in Table Storage first, so several instances remind once. An HSA every organisation
   * has finished moves to the history and is not read again. Answers how many reminders were sent.
   */
  async remindOverdue(now: Date = this.deps.clock.now()): Promise<number> {
    const hsas = await this.followedHsas(now, await this.keptBoard());
    if (hsas.length === 0) return 0;
    const members = await this.deps.members.list();
    let sent = 0;
    for (const { alert, lines } of hsas)
      for (const line of lines.filter((l) => !isResponseFinished(l.response)))
        for (const item of line.overdue) {
          const key = `${line.orgCode}~${item.kind}~${item.dueAt}`;
          if (!(await this.deps.responses.markReminded(alert.id, key, now))) continue;
          const people = members.filter((m) => m.orgCode === line.orgCode);
          await this.remind(alert, item, people);
          sent++;
        }
    return sent;
  }

  /**
   * The HSA board: what each organisation has still to do, and the finished HSAs. Read from the
   * follow-up rows, which keep each HSA's summary and responses, and the open alerts: two queries (and
   * the organisations, unless given). A row that predates keeping them, or keeps an HSA since resolved,
   * is read from the HSA's own partition and the alert once, and kept.
   */
  async board(
    now: Date = this.deps.clock.now(),
    orgs?: readonly Organisation[],
  ): Promise<HsaBoard> {
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

  private async keptBoard(orgs?: readonly Organisation[]): Promise<KeptBoard> {
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
  private async followedHsas(now: Date, read: KeptBoard): Promise<HsaBoardEntry[]> {
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
  private async settleFollowUp(alert: Alert, now: Date): Promise<void> {
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

  private async remind(alert: AlertSummary, item: OverdueItem, people: Member[]): Promise<void> {
    const link = this.deps.tabLink?.({ kind: 'hsa', id: alert.id });
    const text = `Reminder for ${alert.dedupKey}: ${item.message} Please update your organisation's response on the card${link ? ` or in the CTAC tab: ${link}` : '.'}`;
    try {
      if (this.deps.notifier.replyInThreadMentioning && people.length > 0)
        await this.deps.notifier.replyInThreadMentioning(
          alert,
          text,
          people.map((p) => p.aadObjectId),
        );
      else
        await this.deps.notifier.replyInThread(
          alert,
          people.length ? `${people.map((p) => p.name).join(', ')}: ${text}` : text,
        );
    } catch (err) {
      this.deps.logger?.error({ err, alertId: alert.id }, 'sending an HSA reminder failed');
    }
  }

  private async linesFor(alert: AlertSummary, now: Date): Promise<HsaResponseLine[]> {
    const [orgs, stored] = await Promise.all([
      this.deps.organisations.list(),
      this.deps.responses.list(alert.id),
    ]);
    return linesFrom(
      alert,
      orgs,
      stored.map((s) => s.response),
      now,
    );
  }

  private followUpOf(alert: Pick<Alert, 'id' | 'severityRank'>): Promise<HsaFollowUp | undefined> {
    // An HSA with clocks needs no follow-up record to expect responses: save the read.
    return hasResponseClocks(alert)
      ? Promise.resolve(undefined)
      : this.deps.responses.getFollowUp(alert.id);
  }

  private async hsa(alertId: string): Promise<Alert> {
    const alert = (await this.deps.alerts.get(alertId))?.alert;
    if (!alert)
      throw new CtacError(
        'not_found',
        `There is no alert ${String(alertId).slice(0, 40)}. The card may be out of date.`,
      );
    if (alert.source !== 'hsa')
      throw new CtacError(
        'bad_request',
        'Organisations respond to High Severity Alerts only; this is an incident alert.',
      );
    return alert;
  }
}

/** What the board reads once: every follow-up row, the open HSAs by id, and the organisations. */
interface KeptBoard {
  kept: KeptHsa[];
  openHsas: Map<string, AlertSummary>;
  orgs: readonly Organisation[];
  /** The follow-ups this read found finished (the history shows them at once). */
  finishedNow: KeptHsa[];
}

/** The alert without its timeline, as the board keeps it. */
function summaryOf(alert: Alert | AlertSummary | undefined): AlertSummary | undefined {
  if (!alert) return undefined;
  const { timeline: _timeline, ...summary } = alert as Alert;
  return summary;
}

/** Every organisation's line on the HSA, by code; one that has said nothing is not acknowledged. */
function linesFrom(
  alert: AlertSummary,
  orgs: readonly Organisation[],
  responses: readonly HsaResponse[],
  now: Date,
): HsaResponseLine[] {
  const byOrg = new Map(responses.map((r) => [r.orgCode, r]));
  return orgs
    .map((org) => {
      const response = byOrg.get(org.code) ?? newHsaResponse(alert.id, org.code);
      return {
        orgCode: org.code,
        orgName: org.name,
        response,
        due: hsaResponseDueDates(response, alert),
        overdue: overdueItems(response, alert, now),
      };
    })
    .sort((a, b) => a.orgCode.localeCompare(b.orgCode));
}
