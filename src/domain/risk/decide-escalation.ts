import { logDecision, type Decision } from '../decisions/decision';
import { hasRole, type Role } from '../people/member';
import { CtacError } from '../shared/errors';
import { bandLabel } from './risk-bands';
import { limitText, lineFrom, paragraphsFrom } from '../shared/clean-text';
import {
  ESCALATION_CHOICE_TERMS,
  ESCALATION_CHOICES,
  isEscalationChoice,
  type EscalationChoice,
} from './escalation-choice';
import { RISK_LIMITS, type Risk } from './risk';
import { eventBase, requireStatus, without, withEvent, type ChangeContext } from './risk-change';
import type { RiskDecided } from './risk-events';
import type { RiskStatus } from './risk-status';

/** Where each choice leaves the risk (from the one table of choices). */
export const STATUS_AFTER: Readonly<Record<EscalationChoice, RiskStatus>> = Object.fromEntries(
  ESCALATION_CHOICES.map((c) => [c, ESCALATION_CHOICE_TERMS[c].status]),
) as Record<EscalationChoice, RiskStatus>;

export interface DecideEscalationInput {
  choice?: unknown;
  rationale?: unknown;
  /** Link to the escalation card or message the leads decided on, for the decision log. */
  sourceMessageLink?: unknown;
}

export interface DecideEscalationContext extends ChangeContext {
  /** The deciding person's role, from the directory; undefined when they are not a member. */
  role: Role | undefined;
  /** The id of the new decision log entry, from the id generator. */
  decisionId: string;
}

/** The risk after the decision, the event in its history and the entry for the decision log. */
export interface DecideEscalationResult {
  risk: Risk;
  event: RiskDecided;
  decision: Decision;
}

/**
 * A lead of the ICS cyber group decides on an escalated risk: accept, treat, transfer, tolerate or ask for more
 * information, always with a rationale. Anyone below lead is refused with `forbidden` before anything else is
 * looked at, and nothing changes. The decision is recorded on the risk and returned for the decision log.
 */
export function decideEscalation(
  risk: Risk,
  input: DecideEscalationInput,
  context: DecideEscalationContext,
): DecideEscalationResult {
  if (!hasRole(context.role ? { role: context.role } : undefined, 'lead'))
    throw new CtacError(
      'forbidden',
      'Only leads of the ICS cyber group can decide on escalated risks.',
    );
  requireStatus(risk, ['escalated'], 'decide on it');

  const problems: string[] = [];
  const choice = lineFrom(input.choice).toLowerCase();
  if (!isEscalationChoice(choice))
    problems.push('Choose accept, treat, transfer, tolerate or ask for more information.');
  const rationale = limitText(paragraphsFrom(input.rationale), RISK_LIMITS.note, problems, {
    missing: 'Give the rationale for the decision.',
    field: 'The rationale',
  });
  if (problems.length || !isEscalationChoice(choice))
    throw new CtacError('validation', 'Please check the decision.', problems);

  const decision = logDecision(
    {
      text: `${ESCALATION_CHOICE_TERMS[choice].what}: ${risk.title} (${risk.orgCode}, score ${risk.score}, ${bandLabel(risk.band).toLowerCase()}).`,
      rationale,
      decidedBy: 'ics-cyber-group',
      outcome: ESCALATION_CHOICE_TERMS[choice].outcome,
      related: { kind: 'risk', id: risk.id },
      sourceMessageLink: input.sourceMessageLink,
    },
    // A decision on an exercise's risk is that exercise's too (issue 21): never in the real decision log.
    { id: context.decisionId, actor: context.actor, at: context.at, exercise: risk.exercise },
  );

  const statusTo = STATUS_AFTER[choice];
  const event: RiskDecided = {
    kind: 'decided',
    ...eventBase(risk.id, context),
    choice,
    rationale,
    decisionId: decision.id,
    statusFrom: risk.status,
    statusTo,
  };
  const lastDecision = {
    choice,
    rationale,
    decisionId: decision.id,
    at: event.at,
    by: context.actor,
  };
  const decided =
    choice === 'request-info'
      ? withEvent(
          risk,
          { lastDecision, infoRequest: { text: rationale, at: event.at, by: context.actor } },
          event,
        )
      : withEvent(
          without(risk, 'escalation', 'infoRequest'),
          { status: statusTo, lastDecision },
          event,
        );
  return { risk: decided, event, decision };
}

/**
 * True when the input is the same decision again from the same person (a second press, a retry): the same
 * choice and rationale as the risk's last decision, made on this escalation. The caller answers with that
 * decision and records nothing new. Asking for more information keeps the risk escalated, so it counts only
 * until the risk is escalated afresh.
 */
export function repeatsLastDecision(
  risk: Risk,
  input: DecideEscalationInput,
  actorId: string,
): boolean {
  const d = risk.lastDecision;
  if (!d || d.by.id !== actorId) return false;
  const stillEscalated = risk.status === 'escalated';
  if (stillEscalated !== (d.choice === 'request-info')) return false;
  if (stillEscalated && risk.escalation && risk.escalation.at > d.at) return false;
  return (
    lineFrom(input.choice).toLowerCase() === d.choice &&
    paragraphsFrom(input.rationale) === d.rationale
  );
}
