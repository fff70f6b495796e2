import { hasRole, type Member } from '../people/member';
import { CtacError } from '../shared/errors';
import { decisionMakerLabel, type DecisionMaker } from './decision';

/** Who is logging or correcting a decision, from their member record (never from the form). */
export type DecisionLogger = Pick<Member, 'role' | 'orgCode'>;

/**
 * Leads (and admins) may log a decision as anyone's: the forum's, the ICS cyber group's or any organisation's.
 * A member logs for the forum they belong to or for their own organisation; the group's decisions, and other
 * organisations', need a lead.
 */
export function mayAttributeDecision(decidedBy: DecisionMaker, logger: DecisionLogger): boolean {
  if (hasRole(logger, 'lead')) return true;
  return decidedBy === 'forum' || (logger.orgCode !== '' && decidedBy === logger.orgCode);
}

/**
 * Refuses with `forbidden`, saying who may, when the logger may not attribute a decision to `decidedBy`
 * (`log`), or may not correct a decision attributed to it (`correct`: a correction would mark it superseded).
 */
export function requireMayAttributeDecision(
  decidedBy: DecisionMaker,
  logger: DecisionLogger,
  doing: 'log' | 'correct',
  organisationNames: Readonly<Record<string, string>> = {},
): void {
  if (mayAttributeDecision(decidedBy, logger)) return;
  const maker =
    decidedBy === 'ics-cyber-group'
      ? 'the ICS cyber group'
      : decisionMakerLabel(decidedBy, organisationNames);
  if (doing === 'correct')
    throw new CtacError(
      'forbidden',
      `Only leads of the ICS cyber group can correct a decision of ${maker}. Nothing was saved.`,
    );
  const own = logger.orgCode
    ? `the forum or ${decisionMakerLabel(logger.orgCode, organisationNames)}`
    : 'the forum';
  throw new CtacError(
    'forbidden',
    `Only leads of the ICS cyber group can log a decision as made by ${maker}. Nothing was saved.`,
    [`Choose ${own} as who decided, or ask a lead to log it.`],
  );
}
