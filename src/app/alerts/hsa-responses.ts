import type { Logger } from 'pino';
import {
  applyHsaResponseChanges,
  hasResponseClocks,
  hsaResponseFormChanges,
  isHsaRefusalWorthTelling,
  isResponseFinished,
  newHsaResponse,
  responsesExpected,
  type Alert,
  type AlertSummary,
  type HsaFollowUp,
  type HsaResponseChange,
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
import { HsaFollowUps, type HsaBoard } from './hsa-follow-ups';
import { linesFrom, type HsaResponseLine } from './hsa-response-lines';
import type { HsaResponseRepository } from './hsa-response-ports';
import type { AlertNotifier, AlertRepository } from './ports';

export type { HsaResponseChange, HsaResponseForm } from '../../domain/alerts';

/** What a response form did: the refusals worth telling the person (empty when all is recorded). */
export interface HsaFormResult {
  refusals: string[];
}

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
  /** The follow-up rows and the board read from them. */
  private readonly followUps: HsaFollowUps;

  constructor(private readonly deps: HsaResponsesDeps) {
    this.followUps = new HsaFollowUps(deps);
  }

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
      await this.followUps
        .settleFollowUp(alert, now)
        .catch((err) =>
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
   * Starts following up an HSA with clocks (High) with the organisations when it is raised or changed
   * (HsaFollowUps). Anything else is ignored.
   */
  follow(alert: Alert | AlertSummary, opts: { raised?: boolean } = {}): Promise<void> {
    return this.followUps.follow(alert, opts);
  }

  /**
   * Sends one reminder per overdue item (acknowledgement, update, patch) per organisation not finished
   * per HSA followed up (open in the channel or not) in the HSA's thread, mentioning that organisation's
   * members. Claimed in Table Storage first, so several instances remind once. An HSA every organisation
   * has finished moves to the history and is not read again. Answers how many reminders were sent.
   */
  async remindOverdue(now: Date = this.deps.clock.now()): Promise<number> {
    const hsas = await this.followUps.followedHsas(now, await this.followUps.keptBoard());
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

  /** The HSA board: what each organisation has still to do, and the finished HSAs (HsaFollowUps). */
  board(now: Date = this.deps.clock.now(), orgs?: readonly Organisation[]): Promise<HsaBoard> {
    return this.followUps.board(now, orgs);
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
