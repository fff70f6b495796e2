import type { DecisionOutcome } from '../decisions/decision';
import type { RiskStatus } from './risk-status';

/**
 * What the ICS cyber group can decide on an escalated risk. Tolerating says the group would rather the risk
 * were lower but will live with it for now; accepting says it is acceptable as it is.
 */
export type EscalationChoice = 'accept' | 'treat' | 'transfer' | 'tolerate' | 'request-info';

export const ESCALATION_CHOICES: readonly EscalationChoice[] = [
  'accept',
  'treat',
  'transfer',
  'tolerate',
  'request-info',
];

/** One choice as everyone reads it. */
export interface EscalationChoiceTerms {
  /** Its one name: on the card's buttons, in the tab's form, on the decision line and in the CSV. */
  name: string;
  /** What the decision log records, read the same as where the choice leaves the risk. */
  outcome: DecisionOutcome;
  /** Where the risk stands afterwards; asking for more information keeps it with the leads. */
  status: RiskStatus;
  /** The decision's text in the log, before the risk's title. */
  what: string;
}

/**
 * The single table of choice -> name -> outcome -> status: cards, the tab, the decision log and the CSV all
 * read their words from here, so a Treat decision can never be logged as something else.
 */
export const ESCALATION_CHOICE_TERMS: Readonly<Record<EscalationChoice, EscalationChoiceTerms>> = {
  accept: { name: 'Accept', outcome: 'accepted', status: 'accepted', what: 'Accept the risk' },
  treat: { name: 'Treat', outcome: 'treating', status: 'treating', what: 'Treat the risk' },
  transfer: {
    name: 'Transfer',
    outcome: 'transferred',
    status: 'transferred',
    what: 'Transfer the risk',
  },
  tolerate: {
    name: 'Tolerate',
    outcome: 'tolerated',
    status: 'tolerated',
    what: 'Tolerate the risk',
  },
  'request-info': {
    name: 'Ask for more information',
    outcome: 'information-requested',
    status: 'escalated',
    what: 'Ask for more information on the risk',
  },
};

/** How each choice reads on the escalation card's buttons (its one name). */
export const ESCALATION_CHOICE_LABELS: Readonly<Record<EscalationChoice, string>> =
  Object.fromEntries(ESCALATION_CHOICES.map((c) => [c, ESCALATION_CHOICE_TERMS[c].name])) as Record<
    EscalationChoice,
    string
  >;

export const isEscalationChoice = (value: unknown): value is EscalationChoice =>
  typeof value === 'string' && (ESCALATION_CHOICES as readonly string[]).includes(value);
