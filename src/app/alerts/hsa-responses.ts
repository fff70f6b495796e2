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
import type { Directory } from '../directory';
import type { MemberRepository, OrganisationRepository } from '../ports';
import type { AlertCaller } from './alert-service';
import type { HsaResponseRepository } from './hsa-response-ports';
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
    const hsas = await this.followedHsas(now);
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

  /** The HSA board: what each organisation has still to do, and the finished HSAs. */
  async board(now: Date = this.deps.clock.now()): Promise<HsaBoard> {
    const current = await this.followedHsas(now);
    const finished = (await this.deps.responses.followUps('finished'))
      .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
      .slice(0, HSA_HISTORY_LIMIT);
    const history: HsaBoardEntry[] = [];
    for (const followUp of finished) {
      const alert = (await this.deps.alerts.get(followUp.alertId))?.alert;
      if (alert) history.push({ alert, lines: await this.linesFor(alert, now) });
    }
    return {
      current: current.sort((a, b) => b.alert.publishedAt.localeCompare(a.alert.publishedAt)),
      history,
    };
  }

  /**
   * Every HSA some organisation has not finished, with its lines: those followed up, and any open in
   * the channel (an HSA raised before follow-ups existed starts being followed here). One found
   * finished is recorded so, and left out.
   */
  private async followedHsas(now: Date): Promise<HsaBoardEntry[]> {
    const [unfinished, open] = await Promise.all([
      this.deps.responses.followUps('unfinished'),
      this.deps.alerts.listOpen(),
    ]);
    const openHsas = new Map(open.filter((a) => a.source === 'hsa').map((a) => [a.id, a]));
    const followed = new Map(unfinished.map((f) => [f.alertId, f]));
    const entries: HsaBoardEntry[] = [];
    for (const id of new Set([...followed.keys(), ...openHsas.keys()])) {
      let followUp = followed.get(id);
      if (!followUp) {
        // Open but not in the unfinished list: either never followed, or finished already.
        followUp = await this.deps.responses.getFollowUp(id);
        if (followUp?.finishedAt) continue;
        if (!followUp) {
          // An alert below High is for information until a lead asks for responses.
          if (!hasResponseClocks(openHsas.get(id)!)) continue;
          followUp = { alertId: id, since: now.toISOString() };
          await this.deps.responses.follow(followUp);
        }
      }
      const alert = openHsas.get(id) ?? (await this.deps.alerts.get(id))?.alert;
      if (!alert) continue;
      const lines = await this.linesFor(alert, now);
      if (isHsaFinished(lines.map((l) => l.response))) {
        await this.deps.responses.saveFollowUp({ ...followUp, finishedAt: now.toISOString() });
        continue;
      }
      entries.push({ alert, lines });
    }
    return entries;
  }

  /** After a response changed: the HSA's follow-up is finished exactly when every organisation is. */
  private async settleFollowUp(alert: AlertSummary, now: Date): Promise<void> {
    const stored = await this.deps.responses.getFollowUp(alert.id);
    const lines = await this.linesFor(alert, now);
    const finished = isHsaFinished(lines.map((l) => l.response));
    if (stored && finished === !!stored.finishedAt) return;
    const { finishedAt: _finishedAt, ...kept } = stored ?? {
      alertId: alert.id,
      since: now.toISOString(),
    };
    const followUp: HsaFollowUp = kept;
    await this.deps.responses.saveFollowUp(
      finished ? { ...followUp, finishedAt: now.toISOString() } : followUp,
    );
  }

  private async remind(alert: AlertSummary, item: OverdueItem, people: Member[]): Promise<void> {
    const text = `Reminder for ${alert.dedupKey}: ${item.message} Please update your organisation's response on the card.`;
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
    const byOrg = new Map(stored.map((s) => [s.response.orgCode, s.response]));
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
