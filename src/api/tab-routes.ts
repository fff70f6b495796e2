import express, { Router, type Request, type Response } from 'express';
import type { AlertService } from '../app/alerts/alert-service';
import type { HsaBoard } from '../app/alerts/hsa-follow-ups';
import type { HsaResponses } from '../app/alerts/hsa-responses';
import type { Directory } from '../app/directory';
import type { DecisionLog } from '../app/risks/decision-log';
import type { RiskRegister } from '../app/risks/risk-register';
import type { RotaService } from '../app/rota/rota-service';
import { isExerciseAlert } from '../domain/alerts';
import type { ResolvedWeek } from '../domain/figures';
import type { Organisation } from '../domain/people/organisation';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import { authenticate, authenticatedMember, requireRole, type TokenVerifier } from './auth-bearer';
import { recordedDecisionView } from './decision-view';
import {
  alertRowView,
  alertWeeksFromRows,
  alertWeeksOf,
  decisionRegisterView,
  escalationQueue,
  hsaComplianceView,
  MAX_DECISIONS_LISTED,
  orgNames,
  ownHsaView,
  ownResponseView,
  parseDecisionFilter,
  parseHsaResponseRequest,
  parseRiskFilter,
  riskRegisterView,
  rotaView,
  type ResolvedAlertDay,
} from './tab-views';

/**
 * Where organisations' HSA responses come from (the alerts area's HsaResponses). Without it the tab lists
 * the open HSAs with every organisation as not having answered (so silence shows as overdue, never as fine).
 */
export interface HsaResponseSource {
  /** Every HSA some organisation has not finished, resolved in the channel or not, and the finished ones. */
  board(now: Date, orgs?: readonly Organisation[]): Promise<HsaBoard>;
  /** Each organisation's line on an HSA (its response, deadlines, what is overdue). */
  lines: HsaResponses['lines'];
  /** The HSA card's response form: the caller's own organisation's response, in one step. */
  respondWithForm: HsaResponses['respondWithForm'];
}

/**
 * The resolved alerts raised since a time, by the UK day raised, with their times to acknowledge and resolve
 * (kept as they resolve): with the open alerts, the weekly figures. Without it the tab's figures cover open
 * alerts only and say so.
 */
export interface AlertHistorySource {
  resolvedSince(from: Date): Promise<ResolvedAlertDay[]>;
  /**
   * The same alerts a week at a time in brief (how many, the middle of their times): what the figures
   * read when given, the days only for a week with more open alerts than its row can take in.
   */
  resolvedWeeks?(from: Date): Promise<ResolvedWeek[]>;
}

export interface TabRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  register: RiskRegister;
  decisions: DecisionLog;
  alerts: AlertService;
  rota: RotaService;
  clock: Clock;
  hsaResponses?: HsaResponseSource;
  alertHistory?: AlertHistorySource;
}

/** The newest decisions a search of the log reads first (the rest only when too few of them match). */
const SEARCHED_FIRST = 1_000;
/** How far ahead the rota calendar looks. */
const ROTA_WEEKS = 4;
/** How many weeks of alert figures the tab shows. */
const ALERT_WEEKS = 8;
const WEEK_MS = 7 * 86_400_000;

/**
 * The tab's API, `/api/tab/*`. Every route needs a valid bearer token (401 otherwise); the token's user must
 * be a CTAC member (403 otherwise), and the lead routes need a lead (403 for a member). Handlers translate,
 * call the use cases the bot's cards call too, and shape the answer with the pure views in tab-views.ts.
 *
 * What each listing reads (none scans a table):
 *   escalations                 the Risks 'register' partition, range 'open_' (the open-by-score index rows),
 *                               filtered on their `status` column: only the escalated rows come back
 *   risks (open)                the Risks 'register' partition, range 'open_' (the open-by-score index rows)
 *   risks?status=closed         the Risks 'register' partition, range 'risk_' (kind eq 'risk'): leads only
 *   decisions                   the Decisions 'log' partition, range 't_' newest first, at most 500 rows
 *                               after filtering (the log grows by a few hundred a year); a search reads the
 *                               newest 1,000 and further only when fewer than 500 of them match
 *   alerts                      the AlertViews 'open' partition (each open alert's summary) and the
 *                               'resolved-week' rows of the last nine weeks (one a week, each the middle of
 *                               its times): two queries of a small table (the week's 'resolved' day rows
 *                               too, only for a week with more open alerts than its row takes in)
 *   hsa-compliance              the AlertViews 'open' partition; the HsaResponses '~follow-ups' partition
 *                               (unfinished, or the finished history) and each followed HSA's own partition
 *                               (its responses); a point read of each finished or closed HSA shown
 *   hsa/mine                    the same as hsa-compliance; only the caller's organisation's line is shown
 *   rota                        the rota's rotations, and overrides and leave for the window's dates
 *   organisations / me          the directory's organisation partition and one member row
 */
export function tabRouter(deps: TabRoutesDeps): Router {
  const router = Router();
  const member = requireRole(deps.directory, 'member', 'use the CTAC tab');
  const lead = requireRole(deps.directory, 'lead', 'review escalations in the CTAC tab');
  router.use('/api/tab', authenticate(deps.verifier, deps.directory));

  router.get('/api/tab/me', member, (_req, res) => {
    const m = authenticatedMember(res)!;
    res.json({ name: m.name, upn: m.upn, orgCode: m.orgCode, role: m.role });
  });

  router.get('/api/tab/escalations', lead, async (_req, res) => {
    const [risks, orgs] = await Promise.all([
      deps.register.listEscalated(authenticatedMember(res)),
      deps.directory.listOrganisations(),
    ]);
    res.json({ escalations: escalationQueue(risks, orgNames(orgs)) });
  });

  router.post(
    '/api/tab/escalations/:id/decision',
    lead,
    express.json({ limit: '16kb' }),
    async (req: Request, res: Response) => {
      const body: unknown = req.body;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new CtacError('bad_request', 'Send the decision as a JSON object.');
      const { choice, rationale } = body as Record<string, unknown>;
      const id = String(req.params['id'] ?? '').slice(0, 60);
      // The same use case as the Decide buttons on the escalation card in the channel.
      const { risk, decision, repeated } = await deps.register.decide(
        authenticatedMember(res),
        id,
        { choice, rationale },
        'tab',
      );
      // The same decision again (a second press, a retry) is 200 with the first decision; a new one is 201.
      res.status(repeated ? 200 : 201).json({
        riskId: risk.id,
        status: risk.status,
        decisionId: decision.id,
        decision: recordedDecisionView(risk, decision),
      });
    },
  );

  router.get('/api/tab/risks', member, async (req, res) => {
    const filter = parseRiskFilter(req.query as Record<string, unknown>);
    const caller = authenticatedMember(res);
    // Closed risks are only in the full register, which the use case keeps to leads.
    const [risks, orgs] = await Promise.all([
      filter.status === 'closed' ? deps.register.listAll(caller) : deps.register.listOpen(caller),
      deps.directory.listOrganisations(),
    ]);
    res.json(riskRegisterView(risks, filter, orgs));
  });

  router.get('/api/tab/decisions', member, async (req, res) => {
    const filter = parseDecisionFilter(req.query as Record<string, unknown>);
    const caller = authenticatedMember(res);
    if (!(filter.q || filter.decidedBy || filter.outcome || filter.from || filter.to)) {
      const entries = await deps.decisions.listRecent(caller, MAX_DECISIONS_LISTED);
      res.json({ decisions: decisionRegisterView(entries, filter) });
      return;
    }
    // A search lists the newest matches, at most MAX_DECISIONS_LISTED of them: the newest page of the log
    // usually holds that many, and only when it does not is the log read as far as 10,000 entries. The
    // newer decision that supersedes one is always in the same page or before it, so the marks agree.
    const newest = await deps.decisions.listRecent(caller, SEARCHED_FIRST);
    const found = decisionRegisterView(newest, filter);
    res.json({
      decisions:
        found.length >= MAX_DECISIONS_LISTED || newest.length < SEARCHED_FIRST
          ? found
          : decisionRegisterView(await deps.decisions.listRecent(caller, 10_000), filter),
    });
  });

  router.get('/api/tab/hsa-compliance', lead, async (_req, res) => {
    const caller = { member: authenticatedMember(res), source: 'tab' as const };
    const now = deps.clock.now();
    const orgs = await deps.directory.listOrganisations();
    if (!deps.hsaResponses) {
      const open = await deps.alerts.listOpen(caller);
      res.json(hsaComplianceView(open, orgs, [], now));
      return;
    }
    const board = await deps.hsaResponses.board(now, orgs);
    const responses = [...board.current, ...board.history].flatMap((entry) =>
      entry.lines.map((line) => line.response),
    );
    res.json(
      hsaComplianceView(
        board.current.map((e) => e.alert),
        orgs,
        responses,
        now,
        board.history.map((e) => e.alert),
      ),
    );
  });

  router.get('/api/tab/hsa/mine', member, async (_req, res) => {
    const org = await callerOrganisation(res);
    res.json(ownHsaView(await hsaSource().board(deps.clock.now()), org));
  });

  router.post(
    '/api/tab/hsa/:alertId/response',
    member,
    express.json({ limit: '16kb' }),
    async (req: Request, res: Response) => {
      const org = await callerOrganisation(res);
      const form = parseHsaResponseRequest(req.body);
      const alertId = String(req.params['alertId'] ?? '').slice(0, 60);
      const source = hsaSource();
      // The same use case as the response form on the HSA card. The organisation is the caller's own, from
      // the directory; the body cannot name one.
      const { refusals } = await source.respondWithForm(
        { member: authenticatedMember(res), source: 'tab' },
        alertId,
        form,
      );
      const line = (await source.lines(alertId, deps.clock.now())).find(
        (l) => l.orgCode === org.code,
      );
      res.json({
        alertId,
        orgCode: org.code,
        refusals,
        ...(line && { response: ownResponseView(line) }),
      });
    },
  );

  router.get('/api/tab/alerts', member, async (_req, res) => {
    const now = deps.clock.now();
    const from = new Date(now.getTime() - (ALERT_WEEKS + 1) * WEEK_MS);
    const history = deps.alertHistory;
    const [listed, resolvedWeeks] = await Promise.all([
      deps.alerts.listOpen({ member: authenticatedMember(res), source: 'tab' }),
      history?.resolvedWeeks?.(from),
    ]);
    // An exercise's alerts are neither listed as real nor counted in the figures.
    const open = listed.filter((a) => !isExerciseAlert(a));
    const weeks =
      (resolvedWeeks && alertWeeksFromRows(resolvedWeeks, open, now, ALERT_WEEKS)) ??
      alertWeeksOf((await history?.resolvedSince(from)) ?? [], open, now, ALERT_WEEKS);
    res.json({
      open: open.map(alertRowView),
      weeks,
      resolvedCounted: !!history,
    });
  });

  router.get('/api/tab/rota', member, async (_req, res) => {
    const now = deps.clock.now();
    const [onCall, window, people] = await Promise.all([
      deps.rota.whoIsOnCall(now),
      deps.rota.schedule(now, new Date(now.getTime() + ROTA_WEEKS * WEEK_MS)),
      deps.rota.people(),
    ]);
    res.json(rotaView(onCall, window, people));
  });

  /** The caller's own organisation, from the directory: 403 for a member not linked to one. */
  async function callerOrganisation(res: Response): Promise<{ code: string; name: string }> {
    const orgCode = authenticatedMember(res)?.orgCode;
    if (!orgCode)
      throw new CtacError(
        'forbidden',
        'You are not linked to an ICS organisation yet. Ask an admin to set your organisation.',
      );
    const orgs = await deps.directory.listOrganisations();
    return { code: orgCode, name: orgs.find((o) => o.code === orgCode)?.name ?? orgCode };
  }

  function hsaSource(): HsaResponseSource {
    if (!deps.hsaResponses)
      throw new CtacError('unavailable', 'HSA responses are not available here.');
    return deps.hsaResponses;
  }

  return router;
}
