import type { DecisionFormValues } from '../../cards/decision-views';
import type { RiskFormValues } from '../../cards/risk-views';
import type { Decision, DecisionInput } from '../../domain/decisions';
import type { Member } from '../../domain/people/member';
import type { Organisation } from '../../domain/people/organisation';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import { cardFields, type CardData } from '../card-fields';

/*
 * Reading the risk and decision forms' data (untrusted) into the values the use cases take, and sorting the
 * use cases' errors into "show the form again" and "answer with a notice".
 */

const RISK_FIELDS = [
  'title',
  'description',
  'orgCode',
  'cafPrinciple',
  'likelihood',
  'consequence',
  'owner',
  'mitigations',
  'reviewDate',
  'supplier',
  'partOfExercise',
] as const;

const DECISION_FIELDS = [
  'text',
  'rationale',
  'decidedBy',
  'outcome',
  'decidedOn',
  'relatedRisk',
  'relatedAlert',
  'sourceMessageLink',
  'sourceMessageAuthor',
  'partOfExercise',
] as const;

/** The risk form's fields as typed. */
export const riskFormFrom = (data: CardData): RiskFormValues => cardFields(data, RISK_FIELDS);

/** The decision form's fields as typed. */
export const decisionFormFrom = (data: CardData): DecisionFormValues =>
  cardFields(data, DECISION_FIELDS);

/** A new risk form starts at the caller's own organisation, when it is one of the ICS's. */
export const defaultOrgCode = (
  caller: Member | undefined,
  organisations: readonly Organisation[],
): string =>
  caller?.orgCode && organisations.some((o) => o.code === caller.orgCode) ? caller.orgCode : '';

/** The decision form's values as the decision log takes them: a related risk wins over a related alert. */
export function decisionInput(v: DecisionFormValues): DecisionInput {
  const risk = v.relatedRisk && v.relatedRisk !== 'none' ? v.relatedRisk : '';
  const alert = v.relatedAlert?.trim() ?? '';
  return {
    text: v.text,
    rationale: v.rationale,
    decidedBy: v.decidedBy,
    outcome: v.outcome,
    decidedOn: v.decidedOn || undefined,
    related: risk ? { kind: 'risk', id: risk } : alert ? { kind: 'alert', id: alert } : undefined,
    sourceMessageLink: v.sourceMessageLink || undefined,
    sourceMessageAuthor: v.sourceMessageAuthor || undefined,
  };
}

/** The form's "Part of the exercise" toggle: on only when it was shown and left on. */
export const partOfExercise = (v: DecisionFormValues | RiskFormValues): boolean =>
  v.partOfExercise === 'true';

/** A stored decision as the form shows it, for a correction. */
export const decisionFormValuesOf = (d: Decision): DecisionFormValues => ({
  text: d.text,
  rationale: d.rationale,
  decidedBy: d.decidedBy,
  outcome: d.outcome,
  decidedOn: d.decidedOn,
  relatedRisk: d.related?.kind === 'risk' ? d.related.id : '',
  relatedAlert: d.related?.kind === 'alert' ? d.related.id : '',
  sourceMessageLink: d.sourceMessageLink ?? '',
  sourceMessageAuthor: d.sourceMessageAuthor ?? '',
});

/** What a form shown again lists as wrong. */
export const problemsOf = (e: CtacError): string[] =>
  e.code === 'forbidden'
    ? [e.message, ...e.problems]
    : e.problems.length
      ? e.problems
      : [e.message];

/** A risk form the use case refused as it stands: shown again to fix. */
export const isFormProblem = (e: unknown): e is CtacError =>
  isCtacError(e) && e.code === 'validation';

/** A decision form that asks for more than its sender may (the group's attribution): shown again to fix. */
export const isDecisionFormProblem = (e: unknown): e is CtacError =>
  isCtacError(e) && (e.code === 'validation' || e.code === 'forbidden');

/** Refusals of a button press answer with a short notice, never with the risk behind the button. */
export const isRefusal = (e: CtacError): boolean =>
  e.code === 'forbidden' || e.code === 'not_a_member';
