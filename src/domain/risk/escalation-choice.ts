/**
 * What the ICS cyber group can decide on an escalated risk. `tolerate` and `accept` both leave the risk
 * accepted; tolerating says the group would rather it were lower but will live with it for now.
 */
export type EscalationChoice = 'accept' | 'treat' | 'transfer' | 'tolerate' | 'request-info';

export const ESCALATION_CHOICES: readonly EscalationChoice[] = [
  'accept',
  'treat',
  'transfer',
  'tolerate',
  'request-info',
];

/** How each choice reads on the escalation card's buttons. */
export const ESCALATION_CHOICE_LABELS: Readonly<Record<EscalationChoice, string>> = {
  accept: 'Accept',
  treat: 'Treat',
  transfer: 'Transfer',
  tolerate: 'Tolerate',
  'request-info': 'Ask for more information',
};

export const isEscalationChoice = (value: unknown): value is EscalationChoice =>
  typeof value === 'string' && (ESCALATION_CHOICES as readonly string[]).includes(value);
