import { CtacError } from '../shared/errors';
import { limitText, paragraphsFrom } from '../shared/clean-text';
import { RISK_LIMITS, type Risk } from './risk';
import { appetiteFor, exceedsAppetite, type RiskAppetite } from './risk-appetite';
import { eventBase, requireStatus, withEvent, type ChangeContext } from './risk-change';
import type { RiskEscalated } from './risk-events';
import type { RiskStatus } from './risk-status';

/** The statuses a risk can be escalated from; an escalated risk already waits for the ICS cyber group. */
export const ESCALATABLE: readonly RiskStatus[] = [
  'open',
  'accepted',
  'treating',
  'transferred',
  'tolerated',
];

/**
 * Sends a risk to the ICS cyber group. Used by raising and re-scoring when the score is above appetite, and by
 * `escalateRisk` when a member escalates by hand.
 */
export function applyEscalation(
  risk: Risk,
  detail: Pick<RiskEscalated, 'reason' | 'appetite' | 'note'>,
  context: ChangeContext,
): { risk: Risk; event: RiskEscalated } {
  const event: RiskEscalated = {
    kind: 'escalated',
    ...eventBase(risk.id, context),
    reason: detail.reason,
    score: risk.score,
    ...(detail.appetite && { appetite: detail.appetite }),
    ...(detail.note && { note: detail.note }),
    statusFrom: risk.status,
  };
  const escalation = {
    reason: detail.reason,
    at: event.at,
    by: context.actor,
    ...(detail.appetite && { appetite: detail.appetite }),
    ...(detail.note && { note: detail.note }),
  };
  return { risk: withEvent(risk, { status: 'escalated', escalation }, event), event };
}

/** Escalates the risk if it is open and scores above its organisation's appetite (or the ICS-wide one). */
export function escalateIfAboveAppetite(
  risk: Risk,
  appetite: RiskAppetite,
  context: ChangeContext,
): { risk: Risk; escalation?: RiskEscalated } {
  if (!exceedsAppetite(risk, appetite)) return { risk };
  const result = applyEscalation(
    risk,
    { reason: 'above-appetite', appetite: appetiteFor(risk.orgCode, appetite) },
    context,
  );
  return { risk: result.risk, escalation: result.event };
}

export interface EscalateRiskInput {
  /** Why the member wants the ICS cyber group to decide. */
  note?: unknown;
}

/** A member escalates a risk by hand, saying why. Refused when it is already escalated or closed. */
export function escalateRisk(
  risk: Risk,
  input: EscalateRiskInput,
  context: ChangeContext,
): { risk: Risk; event: RiskEscalated } {
  if (risk.status === 'escalated')
    throw new CtacError(
      'conflict',
      'This risk is already waiting for a decision from the ICS cyber group.',
    );
  requireStatus(risk, ESCALATABLE, 'escalate it');
  const problems: string[] = [];
  const note = limitText(paragraphsFrom(input.note), RISK_LIMITS.note, problems, {
    missing: 'Say why the ICS cyber group should decide on this risk.',
    field: 'The reason',
  });
  if (problems.length) throw new CtacError('validation', 'Please check the escalation.', problems);
  return applyEscalation(risk, { reason: 'raised-by-member', note }, context);
}
