import { CtacError } from '../shared/errors';
import { limitText, paragraphsFrom } from '../shared/clean-text';
import { RISK_LIMITS, type Risk } from './risk';
import { eventBase, requireStatus, without, withEvent, type ChangeContext } from './risk-change';
import type { RiskClosed } from './risk-events';
import type { RiskStatus } from './risk-status';

// An escalated risk waits for the leads: closing it would side-step their decision.
const CLOSABLE: readonly RiskStatus[] = [
  'open',
  'accepted',
  'treating',
  'transferred',
  'tolerated',
];

export interface CloseRiskInput {
  reason?: unknown;
}

/** Closes a risk, saying why. Refused while it waits for the ICS cyber group, or when already closed. */
export function closeRisk(
  risk: Risk,
  input: CloseRiskInput,
  context: ChangeContext,
): { risk: Risk; event: RiskClosed } {
  requireStatus(risk, CLOSABLE, 'close it');
  const problems: string[] = [];
  const reason = limitText(paragraphsFrom(input.reason), RISK_LIMITS.note, problems, {
    missing: 'Say why the risk is being closed.',
    field: 'The reason',
  });
  if (problems.length)
    throw new CtacError('validation', 'Please check why the risk is closed.', problems);
  const event: RiskClosed = {
    kind: 'closed',
    ...eventBase(risk.id, context),
    reason,
    statusFrom: risk.status,
  };
  const closure = { text: reason, at: event.at, by: context.actor };
  return {
    risk: withEvent(without(risk, 'infoRequest'), { status: 'closed', closure }, event),
    event,
  };
}
