import { ukCalendarDate } from './calendar-date';
import { escalateIfAboveAppetite } from './escalate-risk';
import { normaliseRisk, type Risk, type RiskInput } from './risk';
import { bandForScore, riskScore } from './risk-bands';
import { eventBase, type ChangeContext } from './risk-change';
import type { RiskEscalated, RiskRaised } from './risk-events';
import { DEFAULT_RISK_POLICY, type RiskPolicy } from './risk-policy';

export interface RaiseRiskContext extends ChangeContext {
  /** The new risk's id, from the id generator. */
  id: string;
  policy?: RiskPolicy;
}

/** A new risk, the event that raised it and, when it scores above appetite, the escalation too. */
export interface RaiseRiskResult {
  risk: Risk;
  event: RiskRaised;
  escalation?: RiskEscalated;
}

/**
 * Raises a risk from the form: checks it (the review date may not be in the past), scores and bands it, and
 * escalates it straight away when it is above its organisation's appetite (or the ICS-wide one).
 */
export function raiseRisk(input: RiskInput, context: RaiseRiskContext): RaiseRiskResult {
  const policy = context.policy ?? DEFAULT_RISK_POLICY;
  const fields = normaliseRisk(input, { today: ukCalendarDate(context.at) });
  const score = riskScore(fields.likelihood, fields.consequence);
  const band = bandForScore(score, policy.bands).name;
  const event: RiskRaised = {
    kind: 'raised',
    ...eventBase(context.id, context),
    rating: { likelihood: fields.likelihood, consequence: fields.consequence, score, band },
  };
  const raised: Risk = {
    id: context.id,
    ...fields,
    score,
    band,
    status: 'open',
    raisedAt: event.at,
    raisedBy: context.actor,
    updatedAt: event.at,
    history: [event],
  };
  return { ...escalateIfAboveAppetite(raised, policy.appetite, context), event };
}
