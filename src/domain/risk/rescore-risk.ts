import { CtacError } from '../shared/errors';
import { limitText, paragraphsFrom } from '../shared/clean-text';
import { escalateIfAboveAppetite } from './escalate-risk';
import { RISK_LIMITS, type Risk } from './risk';
import { bandForScore, riskScore } from './risk-bands';
import { eventBase, NOT_CLOSED, requireStatus, withEvent, type ChangeContext } from './risk-change';
import type { RiskEscalated, RiskRating, RiskRescored } from './risk-events';
import { DEFAULT_RISK_POLICY, type RiskPolicy } from './risk-policy';
import {
  CONSEQUENCE_NAMES,
  LIKELIHOOD_NAMES,
  parseConsequence,
  parseLikelihood,
} from './risk-scale';
import type { RiskStatus } from './risk-status';

export interface RescoreRiskInput {
  likelihood?: unknown;
  consequence?: unknown;
  /** Why the rating changed. */
  note?: unknown;
}

export interface RescoreRiskContext extends ChangeContext {
  policy?: RiskPolicy;
}

// After the ICS cyber group has decided, only a rise in score above appetite needs them again.
const DECIDED: readonly RiskStatus[] = ['accepted', 'treating', 'transferred', 'tolerated'];

/**
 * Re-scores a risk. It is escalated when the new score is above appetite and the risk is open, or when it has
 * been decided on (accepted, treating, transferred, tolerated) and the score went up. A risk already escalated stays so,
 * even if the score drops: the leads still decide. The same rating again changes nothing and has no event.
 */
export function rescoreRisk(
  risk: Risk,
  input: RescoreRiskInput,
  context: RescoreRiskContext,
): { risk: Risk; event?: RiskRescored; escalation?: RiskEscalated } {
  requireStatus(risk, NOT_CLOSED, 're-score it');
  const policy = context.policy ?? DEFAULT_RISK_POLICY;
  const problems: string[] = [];
  const likelihood = parseLikelihood(input.likelihood);
  if (likelihood === undefined)
    problems.push(
      `Choose how likely the risk is, from 1 (${LIKELIHOOD_NAMES[1]}) to 5 (${LIKELIHOOD_NAMES[5]}).`,
    );
  const consequence = parseConsequence(input.consequence);
  if (consequence === undefined)
    problems.push(
      `Choose how bad the consequence would be, from 1 (${CONSEQUENCE_NAMES[1]}) to 5 (${CONSEQUENCE_NAMES[5]}).`,
    );
  const note = limitText(paragraphsFrom(input.note), RISK_LIMITS.note, problems, {
    field: 'The note',
  });
  if (problems.length || likelihood === undefined || consequence === undefined)
    throw new CtacError('validation', 'Please check the new score.', problems);
  if (likelihood === risk.likelihood && consequence === risk.consequence) return { risk };

  const score = riskScore(likelihood, consequence);
  const to: RiskRating = {
    likelihood,
    consequence,
    score,
    band: bandForScore(score, policy.bands).name,
  };
  const from: RiskRating = {
    likelihood: risk.likelihood,
    consequence: risk.consequence,
    score: risk.score,
    band: risk.band,
  };
  const event: RiskRescored = {
    kind: 'rescored',
    ...eventBase(risk.id, context),
    from,
    to,
    ...(note && { note }),
  };
  const rescored = withEvent(risk, to, event);
  const mayEscalate =
    risk.status === 'open' || (DECIDED.includes(risk.status) && score > risk.score);
  if (!mayEscalate) return { risk: rescored, event };
  return { ...escalateIfAboveAppetite(rescored, policy.appetite, context), event };
}
