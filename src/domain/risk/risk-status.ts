/**
 * Where a risk stands. `escalated` means waiting for a decision of the ICS cyber group; `accepted`, `treating`,
 * `transferred` and `tolerated` follow their decision; `closed` is final.
 */
export type RiskStatus =
  'open' | 'escalated' | 'accepted' | 'treating' | 'transferred' | 'tolerated' | 'closed';

export const RISK_STATUSES: readonly RiskStatus[] = [
  'open',
  'escalated',
  'accepted',
  'treating',
  'transferred',
  'tolerated',
  'closed',
];

/** How each status reads on a card or in the register. */
export const RISK_STATUS_LABELS: Readonly<Record<RiskStatus, string>> = {
  open: 'Open',
  escalated: 'Escalated to the ICS cyber group',
  accepted: 'Accepted',
  treating: 'Being treated',
  transferred: 'Transferred',
  tolerated: 'Tolerated',
  closed: 'Closed',
};

export const isRiskStatus = (value: unknown): value is RiskStatus =>
  typeof value === 'string' && (RISK_STATUSES as readonly string[]).includes(value);
