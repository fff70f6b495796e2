import {
  decisionExerciseTag,
  type DecisionExerciseTag,
  type RunningExerciseOf,
} from '../decisions/exercise-tag';
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
  /** The exercise it is raised for (riskExerciseTag), if any. */
  exercise?: DecisionExerciseTag;
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
    ...(context.exercise && { exercise: { id: context.exercise.id, name: context.exercise.name } }),
  };
  return { ...escalateIfAboveAppetite(raised, policy.appetite, context), event };
}

/**
 * Which exercise, if any, a risk being raised belongs to (issue 21): the same rule as a decision's. Only a
 * participant or the lead of a running exercise (the caller's Entra id) can tag one, when it is raised from
 * one of that exercise's alert cards or their threads (as the Teams activity names them, never card data) or
 * with the form's "Part of the exercise" toggle on. An ended exercise tags nothing.
 */
export const riskExerciseTag = (opts: {
  running: readonly RunningExerciseOf[];
  personId: string;
  fromExerciseAlerts?: readonly string[];
  partOfExercise: boolean;
}): DecisionExerciseTag | undefined => decisionExerciseTag(opts);
