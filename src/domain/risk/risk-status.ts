/**
 * Where a risk stands. `escalated` means waiting for a decision of the ICS cyber group; `accepted`, `treating`
 * and `transferred` follow their decision; `closed` is final.
 */
export type RiskStatus = 'open' | 'escalated' | 'accepted' | 'treating' | 'transferred' | 'closed';

export const RISK_STATUSES: readonly RiskStatus[] = [
  'open',
  'escalated',
  'accepted',
  'treating',
  'transferred',
  'closed',
];

/** How each status reads on a card or in the register. */
export const RISK_STATUS_LABELS: Readonly<Record<RiskStatus, string>> = {
  open: 'Open',
  escalated: 'Escalated to the ICS cyber group',
  accepted: 'Accepted',
  treating: 'Being treated',
  transferred: 'Transferred',
  closed: 'Closed',
};

export const isRiskStatus = (value: unknown): value is RiskStatus =>
  typeof value === 'string' && (RISK_STATUSES as readonly string[]).includes(value);
