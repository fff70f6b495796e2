/**
 * The principles of the NCSC Cyber Assessment Framework (CAF 3.2), objectives A to D, plus objective E
 * ("Using and sharing information appropriately") that NHS England adds in the CAF-aligned Data Security and
 * Protection Toolkit (DSPT). Objective E has four principles, E1 to E4, so a risk names one of them like any other.
 */
export const CAF_PRINCIPLES = {
  A1: 'Governance',
  A2: 'Risk management',
  A3: 'Asset management',
  A4: 'Supply chain',
  B1: 'Service protection policies, processes and procedures',
  B2: 'Identity and access control',
  B3: 'Data security',
  B4: 'System security',
  B5: 'Resilient networks and systems',
  B6: 'Staff awareness and training',
  C1: 'Security monitoring',
  C2: 'Proactive security event discovery',
  D1: 'Response and recovery planning',
  D2: 'Lessons learned',
  E1: 'Transparency',
  E2: 'Upholding the rights of individuals',
  E3: 'Using and sharing information',
  E4: 'Records management',
} as const;

/** A CAF principle code such as `B4`, or `E3` for the DSPT's objective E. */
export type CafPrinciple = keyof typeof CAF_PRINCIPLES;

/** Every principle code, in framework order (for card choice sets). */
export const CAF_PRINCIPLE_CODES = Object.keys(CAF_PRINCIPLES) as CafPrinciple[];

export const isCafPrinciple = (value: unknown): value is CafPrinciple =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(CAF_PRINCIPLES, value);

/** Reads `b4`, `B4` or a choice label such as `B4 System security`; undefined when it names no principle. */
export function parseCafPrinciple(value: unknown): CafPrinciple | undefined {
  if (typeof value !== 'string') return undefined;
  const code = /^([A-Z]\d+)(?:\s|$)/.exec(value.trim().toUpperCase())?.[1];
  return isCafPrinciple(code) ? code : undefined;
}

/** "B4 System security". */
export const cafPrincipleLabel = (principle: CafPrinciple): string =>
  `${principle} ${CAF_PRINCIPLES[principle]}`;
