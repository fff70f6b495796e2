import type { HsaResponse, HsaResponseEvent } from '../domain/alerts';
import {
  alertQuarterFigures,
  hsaQuarterFigures,
  parseQuarter,
  riskQuarterFigures,
  ukWeekOf,
  type AlertFigureWeekSummary,
  exercisesHeld,
  suppliersDue,
  type AlertQuarterFigures,
  type ExerciseFigure,
  type SupplierDue,
  type HsaForFigures,
  type HsaQuarterFigures,
  type OpenRiskFigure,
  type Quarter,
  type RiskForFigures,
  type RiskQuarterFigures,
} from '../domain/figures';
import type { Exercise } from '../domain/exercises/exercise';
import type { Member } from '../domain/people/member';
import type { Supplier } from '../domain/suppliers/supplier';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { DsptRecord } from '../domain/suppliers';
import type { Directory } from './directory';
import type { DsptRepository } from './dspt';
import type { AlertRepository } from './alerts/ports';
import type { HsaResponseRepository } from './alerts/hsa-response-ports';
import type { OrganisationRepository } from './ports';
import type { Decision } from '../domain/decisions';

/** Every figure of a quarter: what the tab's Figures view and the board pack show. */
export interface QuarterFigures {
  quarter: Quarter;
  /** When these figures were worked out (ISO). */
  madeAt: string;
  organisations: { code: string; name: string }[];
  alerts: AlertQuarterFigures;
  hsa: HsaQuarterFigures;
  risks: RiskQuarterFigures;
  /** The exercises started in the quarter (when the exercise register is there). */
  exercises?: ExerciseFigure[];
  /** Supplier reviews and assurance expiries due by the end of the next quarter (when the register is there). */
  suppliersDue?: SupplierDue[];
  /**
   * Each organisation's latest DSPT status as its lead recorded it, by code (when the DSPT register is
   * there); `record` is unset for an organisation that has recorded none.
   */
  dspt?: { code: string; name: string; record?: DsptRecord }[];
}

/** The kept weekly alert rows (src/store/alert-figures.ts), their summaries only. */
export interface AlertFigureSource {
  summariesBetween(fromWeek: string, toWeek: string): Promise<AlertFigureWeekSummary[]>;
}

/** How many of the quarter's decisions the tab lists (the newest); the board pack lists them all. */
export const TAB_DECISIONS = 100;

export interface FiguresDeps {
  directory: Pick<Directory, 'require'>;
  organisations: Pick<OrganisationRepository, 'list'>;
  alertFigures: AlertFigureSource;
  alerts: Pick<AlertRepository, 'get'>;
  hsaResponses: Pick<HsaResponseRepository, 'keptHsas' | 'list' | 'events'>;
  /**
   * The open register (heat map, top risks) and every risk ever escalated with its escalation and
   * decision events (the escalations): not every risk with all its history.
   */
  risks: {
    /** What the figures need of each open real risk (not its description or history), highest score first. */
    listOpenFigures(): Promise<OpenRiskFigure[]>;
    /** Given the open risks (or their read under way), so only those closed since are read again. */
    listEscalated(known: Promise<readonly OpenRiskFigure[]>): Promise<RiskForFigures[]>;
  };
  /**
   * The quarter's decisions only: all of them, or the newest with how many the quarter holds (one page
   * and a kept count, src/store/decision-repository.ts).
   */
  decisions: {
    listLoggedBetween(from: Date, to: Date): Promise<Decision[]>;
    newestOfQuarter(
      quarter: Pick<Quarter, 'id' | 'start' | 'end'>,
      limit: number,
    ): Promise<{ decisions: Decision[]; total: number }>;
  };
  /** The exercise register (issue 21): each exercise, one partition. */
  exercises?: { list(): Promise<Exercise[]> };
  /** The critical supplier register: every supplier, one partition. */
  suppliers?: { list(): Promise<Supplier[]> };
  /** Each organisation's latest DSPT status: one partition. */
  dspt?: Pick<DsptRepository, 'latest'>;
  clock: Clock;
}

/**
 * The figures of a quarter of the NHS financial year, for leads. Each area is read once, whatever the size
 * of the data: the quarter's kept alert week rows (one range), the HSA follow-up rows (one partition, each
 * keeping the HSA and every organisation's response), the open risks (the open-by-score range, only the
 * columns the figures show), the escalation and decision events of the risk register (one query, and a
 * point read of each risk escalated and closed since), the quarter's decisions (one range of the log) and
 * the organisations. An HSA whose follow-up row predates keeping its responses is read from its own
 * partition.
 */
export class Figures {
  constructor(private readonly deps: FiguresDeps) {}

  /** The quarter `2026-Q3` names, checked: a bad name or a quarter not yet begun is a 400. */
  quarterNamed(text: unknown): Quarter {
    const quarter = parseQuarter(text);
    if (!quarter)
      throw new CtacError(
        'bad_request',
        'Name the quarter of the NHS financial year as 2026-Q3 (Q1 is April to June, Q3 October to December).',
      );
    if (quarter.start > this.deps.clock.now())
      throw new CtacError('bad_request', `${quarter.label} has not begun yet.`);
    return quarter;
  }

  /**
   * The figures of the quarter `quarterId` names. With `decisions`, only that many of the quarter's
   * decisions are listed, the newest (the tab); without, every one (the board pack). Either way
   * `risks.decisionsInQuarter` says how many there are.
   */
  async quarter(
    caller: Member | undefined,
    quarterId: unknown,
    options: { decisions?: number } = {},
  ): Promise<QuarterFigures> {
    this.deps.directory.require(caller, 'lead', 'see the quarter figures and board pack');
    const quarter = this.quarterNamed(quarterId);
    const now = this.deps.clock.now();
    const openRisks = this.deps.risks.listOpenFigures();
    const [orgs, weeks, hsas, open, escalated, decisions, exercises, suppliers, dspt] =
      await Promise.all([
        this.deps.organisations.list(),
        this.deps.alertFigures.summariesBetween(ukWeekOf(quarter.start), ukWeekOf(quarter.end)),
        this.hsasForFigures(),
        openRisks,
        this.deps.risks.listEscalated(openRisks),
        options.decisions === undefined
          ? this.deps.decisions
              .listLoggedBetween(quarter.start, quarter.end)
              .then((all) => ({ decisions: all, total: all.length }))
          : this.deps.decisions.newestOfQuarter(quarter, options.decisions),
        this.deps.exercises?.list(),
        this.deps.suppliers?.list(),
        this.deps.dspt?.latest(),
      ]);
    const organisations = orgs
      .map((o) => ({ code: o.code, name: o.name }))
      .sort((a, b) => a.code.localeCompare(b.code));
    const names = Object.fromEntries(organisations.map((o) => [o.code, o.name]));
    // Every risk the figures count: the open ones, and those escalated (open or not) with their events.
    const risks = [
      ...new Map(
        [...open.map((r) => ({ ...r, history: [] })), ...escalated].map((r) => [r.id, r] as const),
      ).values(),
    ];
    return {
      quarter,
      madeAt: now.toISOString(),
      organisations,
      alerts: alertQuarterFigures(quarter, weeks),
      hsa: hsaQuarterFigures(quarter, hsas, organisations, now),
      risks: riskQuarterFigures(quarter, risks, decisions.decisions, now, names, decisions.total),
      ...(exercises && { exercises: exercisesHeld(quarter, exercises) }),
      ...(suppliers && { suppliersDue: suppliersDue(quarter, suppliers, now) }),
      ...(dspt && { dspt: dsptByOrganisation(organisations, dspt) }),
    };
  }

  /**
   * Every followed HSA with its responses, from the follow-up rows (one partition). An HSA is followed
   * when it is raised; one whose follow-up failed then, or raised before follow-ups existed, is followed
   * by the HSA board when it is next opened or by the HSA reminders (every 10 minutes), and counts from then.
   */
  private async hsasForFigures(): Promise<HsaForFigures[]> {
    const kept = await this.deps.hsaResponses.keptHsas();
    const out: HsaForFigures[] = [];
    for (const k of kept) {
      const id = k.followUp.alertId;
      const alert = k.alert ?? (await this.deps.alerts.get(id))?.alert;
      if (!alert || alert.exercise) continue;
      const responses =
        k.responses ?? (await this.deps.hsaResponses.list(id)).map((s) => s.response);
      out.push({ alert, responses: await this.withFixTimes(id, responses) });
    }
    return out;
  }

  /**
   * A response patched or mitigated before responses kept when (issue 20) takes the time from the HSA's
   * audit trail: one read of that HSA's events, only for such an HSA.
   */
  private async withFixTimes(
    alertId: string,
    responses: readonly HsaResponse[],
  ): Promise<HsaResponse[]> {
    const lacking = (r: HsaResponse) =>
      (r.remediation === 'patched' && !r.patchedAt) ||
      (r.remediation === 'mitigated' && !r.mitigatedAt);
    if (!responses.some(lacking)) return [...responses];
    const events = await this.deps.hsaResponses.events(alertId);
    const first = (orgCode: string, to: 'patched' | 'mitigated') =>
      events.find(
        (e): e is Extract<HsaResponseEvent, { kind: 'remediation' }> =>
          e.kind === 'remediation' && e.orgCode === orgCode && e.to === to,
      )?.at;
    return responses.map((r) =>
      lacking(r)
        ? {
            ...r,
            patchedAt: r.patchedAt ?? first(r.orgCode, 'patched'),
            mitigatedAt: r.mitigatedAt ?? first(r.orgCode, 'mitigated'),
          }
        : r,
    );
  }
}

/** Every organisation with its latest DSPT record, if any (a record of a removed organisation is left out). */
const dsptByOrganisation = (
  organisations: readonly { code: string; name: string }[],
  records: readonly DsptRecord[],
): NonNullable<QuarterFigures['dspt']> => {
  const byCode = new Map(records.map((r) => [r.orgCode, r]));
  return organisations.map((o) => {
    const record = byCode.get(o.code);
    return record ? { ...o, record } : { ...o };
  });
};
