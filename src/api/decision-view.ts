import type { RecordedDecisionView } from '../contract/escalations';
import { DECISION_OUTCOME_LABELS, type Decision } from '../domain/decisions';
import { ESCALATION_CHOICE_TERMS, RISK_STATUS_LABELS, type Risk } from '../domain/risk';
import { formatUkDateTime } from '../domain/shared/time';

/** A decision on an escalated risk as the tab shows it once recorded, in the words the cards use. */
export function recordedDecisionView(risk: Risk, decision: Decision): RecordedDecisionView {
  const d = risk.lastDecision;
  return {
    id: decision.id,
    choice: d?.choice ?? '',
    choiceName: d ? ESCALATION_CHOICE_TERMS[d.choice].name : '',
    outcome: DECISION_OUTCOME_LABELS[decision.outcome],
    statusLabel: RISK_STATUS_LABELS[risk.status],
    rationale: decision.rationale,
    decidedBy: decision.loggedBy.name,
    decidedAtUk: formatUkDateTime(decision.loggedAt),
  };
}
