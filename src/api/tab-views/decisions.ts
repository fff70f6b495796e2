import type { DecisionRowView } from '../../contract/decisions';
import { DECISION_OUTCOME_LABELS, type DecisionLogEntry } from '../../domain/decisions';
import { formatUkDate } from '../../domain/shared/time';
import { untrustedText } from '../../domain/shared/untrusted';

/** The decision register's search. */
export interface DecisionFilter {
  q?: string;
  decidedBy?: string;
  outcome?: string;
  /** YYYY-MM-DD, inclusive, on the day decided. */
  from?: string;
  to?: string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseDecisionFilter(query: Record<string, unknown>): DecisionFilter {
  const q = untrustedText(query['q'], 100).toLowerCase();
  const decidedBy = untrustedText(query['decidedBy'], 20);
  const outcome = untrustedText(query['outcome'], 20).toLowerCase();
  const from = untrustedText(query['from'], 10);
  const to = untrustedText(query['to'], 10);
  return {
    ...(q && { q }),
    ...(decidedBy && { decidedBy }),
    ...(outcome && { outcome }),
    ...(ISO_DAY.test(from) && { from }),
    ...(ISO_DAY.test(to) && { to }),
  };
}

/** The most decisions one answer lists. */
export const MAX_DECISIONS_LISTED = 500;

const DECIDED_BY_LABELS: Record<string, string> = {
  forum: 'The forum',
  'ics-cyber-group': 'ICS cyber group',
};

export function decisionRegisterView(
  entries: readonly DecisionLogEntry[],
  filter: DecisionFilter,
): DecisionRowView[] {
  return entries
    .filter(({ decision: d }) => {
      if (filter.decidedBy && d.decidedBy !== filter.decidedBy) return false;
      if (filter.outcome && d.outcome !== filter.outcome) return false;
      if (filter.from && d.decidedOn < filter.from) return false;
      if (filter.to && d.decidedOn > filter.to) return false;
      if (filter.q) {
        const haystack = `${d.id} ${d.text} ${d.rationale} ${d.related?.id ?? ''}`.toLowerCase();
        if (!haystack.includes(filter.q)) return false;
      }
      return true;
    })
    .slice(0, MAX_DECISIONS_LISTED)
    .map(({ decision: d, supersededBy }) => ({
      id: d.id,
      text: d.text,
      rationale: d.rationale,
      decidedBy: DECIDED_BY_LABELS[d.decidedBy] ?? d.decidedBy,
      outcome: DECISION_OUTCOME_LABELS[d.outcome] ?? d.outcome,
      decidedOn: d.decidedOn,
      decidedOnUk: formatUkDate(`${d.decidedOn}T12:00:00Z`),
      loggedBy: d.loggedBy.name,
      ...(d.related && {
        related: `${d.related.kind === 'risk' ? 'Risk' : 'Alert'} ${d.related.id}`,
      }),
      ...(d.sourceMessageLink &&
        /^https:\/\//.test(d.sourceMessageLink) && { sourceMessageLink: d.sourceMessageLink }),
      ...(d.supersedes && { supersedes: d.supersedes }),
      ...(supersededBy && { supersededBy }),
    }));
}
