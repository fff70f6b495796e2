import { DECISION_OUTCOME_LABELS, decisionMakerLabel, type Decision } from '../decisions/decision';
import { ESCALATION_CHOICE_LABELS, type EscalationChoice } from '../risk/escalation-choice';
import type { Risk, RiskDecided, RiskEscalated } from '../risk';
import { bandLabel } from '../risk/risk-bands';
import { RISK_STATUS_LABELS } from '../risk/risk-status';
import { inQuarter, type Quarter } from './quarter';
import { median, rounded } from './stats';

/** How many of the highest-scoring open risks the board pack lists. */
export const TOP_RISKS = 10;

/**
 * What the figures read of an open risk: enough for the heat map, the top risks and an escalation's line,
 * not its description, mitigations or history (the store keeps these on each open-by-score index row).
 */
export const OPEN_RISK_FIGURE_FIELDS = [
  'id',
  'title',
  'orgCode',
  'likelihood',
  'consequence',
  'score',
  'band',
  'status',
  'owner',
  'raisedAt',
] as const satisfies readonly (keyof Risk)[];
export type OpenRiskFigure = Pick<Risk, (typeof OPEN_RISK_FIGURE_FIELDS)[number]>;

/** An open risk's fields the figures read, and no others. */
export const openRiskFigureOf = (risk: OpenRiskFigure): OpenRiskFigure =>
  Object.fromEntries(OPEN_RISK_FIGURE_FIELDS.map((f) => [f, risk[f]])) as OpenRiskFigure;

/** A risk as the figures count it: its open-register fields and (for an escalated one) its events. */
export type RiskForFigures = OpenRiskFigure & Pick<Risk, 'history'>;

/** Open risks by likelihood (rows, 1 to 5) and consequence (columns, 1 to 5). */
export interface RiskHeatMap {
  /** counts[likelihood - 1][consequence - 1]. */
  counts: number[][];
  total: number;
}

export interface TopRisk {
  id: string;
  title: string;
  orgCode: string;
  likelihood: number;
  consequence: number;
  score: number;
  band: string;
  status: string;
  owner: string;
}

/** One escalation to the ICS cyber group and the decision that answered it (if any yet). */
export interface EscalationFigure {
  riskId: string;
  title: string;
  orgCode: string;
  escalatedAt: string;
  reason: string;
  /** The first decision after the escalation; unset while it waits. */
  decision?: { choice: EscalationChoice; label: string; by: string; at: string };
  /** Hours from escalation to decision, or to now while it still waits (one decimal place). */
  waitedHours: number;
  waiting: boolean;
}

/** A decision logged in the quarter. */
export interface DecisionFigure {
  id: string;
  decidedOn: string;
  text: string;
  decidedBy: string;
  outcome: string;
  riskId?: string;
}

export interface RiskQuarterFigures {
  /** The register as it stands now: open (not closed) risks. */
  heatMap: RiskHeatMap;
  topRisks: TopRisk[];
  /** Escalations made, or decided, in the quarter, oldest first. */
  escalations: EscalationFigure[];
  /** Median hours from escalation to decision over the escalations decided. */
  medianHoursToDecision?: number;
  /** The decisions listed, oldest first: every one logged in the quarter, or the newest of them. */
  decisions: DecisionFigure[];
  /** How many decisions were logged in the quarter (more than `decisions` lists when only the newest are). */
  decisionsInQuarter: number;
}

const HOUR_MS = 3_600_000;
const REASONS: Record<RiskEscalated['reason'], string> = {
  'above-appetite': 'Above appetite',
  'raised-by-member': 'Raised by a member',
};

/**
 * The risk figures of a quarter: the heat map and top risks of the open register now, the escalations
 * made or decided in the quarter with the first decision after each and how long it waited, and the
 * decisions logged in the quarter (any, not only on risks). Risks must carry their history. `decisions`
 * may be the newest of the quarter's only, with `decisionsInQuarter` how many it holds.
 */
export function riskQuarterFigures(
  quarter: Quarter,
  risks: readonly RiskForFigures[],
  decisions: readonly Decision[],
  now: Date,
  organisationNames: Readonly<Record<string, string>> = {},
  decisionsInQuarter?: number,
): RiskQuarterFigures {
  const open = risks.filter((r) => r.status !== 'closed');
  const counts = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
  for (const r of open) counts[r.likelihood - 1]![r.consequence - 1]! += 1;
  const topRisks = [...open]
    .sort((a, b) => b.score - a.score || a.raisedAt.localeCompare(b.raisedAt))
    .slice(0, TOP_RISKS)
    .map((r): TopRisk => ({
      id: r.id,
      title: r.title,
      orgCode: r.orgCode,
      likelihood: r.likelihood,
      consequence: r.consequence,
      score: r.score,
      band: bandLabel(r.band),
      status: RISK_STATUS_LABELS[r.status],
      owner: r.owner,
    }));

  const escalations: EscalationFigure[] = [];
  for (const risk of risks) {
    const events = risk.history;
    events.forEach((event, i) => {
      if (event.kind !== 'escalated') return;
      const decided = events.slice(i + 1).find((e): e is RiskDecided => e.kind === 'decided');
      if (!inQuarter(quarter, event.at) && !(decided && inQuarter(quarter, decided.at))) return;
      const until = decided ? Date.parse(decided.at) : now.getTime();
      escalations.push({
        riskId: risk.id,
        title: risk.title,
        orgCode: risk.orgCode,
        escalatedAt: event.at,
        reason: REASONS[event.reason] ?? event.reason,
        ...(decided && {
          decision: {
            choice: decided.choice,
            label: ESCALATION_CHOICE_LABELS[decided.choice],
            by: decided.actor.name,
            at: decided.at,
          },
        }),
        waitedHours: rounded((until - Date.parse(event.at)) / HOUR_MS, 1) ?? 0,
        waiting: !decided,
      });
    });
  }
  escalations.sort(
    (a, b) => a.escalatedAt.localeCompare(b.escalatedAt) || a.riskId.localeCompare(b.riskId),
  );

  return {
    heatMap: { counts, total: open.length },
    topRisks,
    escalations,
    medianHoursToDecision: rounded(
      median(escalations.filter((e) => !e.waiting).map((e) => e.waitedHours)),
      1,
    ),
    decisionsInQuarter:
      decisionsInQuarter ?? decisions.filter((d) => inQuarter(quarter, d.loggedAt)).length,
    decisions: decisions
      .filter((d) => inQuarter(quarter, d.loggedAt))
      .sort((a, b) => a.loggedAt.localeCompare(b.loggedAt) || a.id.localeCompare(b.id))
      .map((d): DecisionFigure => ({
        id: d.id,
        decidedOn: d.decidedOn,
        text: d.text,
        decidedBy: decisionMakerLabel(d.decidedBy, organisationNames),
        outcome: DECISION_OUTCOME_LABELS[d.outcome],
        ...(d.related?.kind === 'risk' && { riskId: d.related.id }),
      })),
  };
}
