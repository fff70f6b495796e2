import type { Actor } from '../../../src/domain/shared/actor';
import type { RiskInput } from '../../../src/domain/risk/risk';

/** 09:00 on Saturday 28 November 2026, the fake clock's start. */
export const AT = new Date('2026-11-28T09:00:00Z');

export const member: Actor = { id: 'aad-member', name: 'Zoë O\u2019Brien', source: 'teams' };
export const lead: Actor = { id: 'aad-lead', name: 'Rhys Llewellyn', source: 'tab' };

/** A risk form that passes every check; tests override what they are about. */
export const validRiskInput = (overrides: RiskInput = {}): RiskInput => ({
  title: 'Unsupported PACS server',
  description:
    'The imaging archive runs on Windows Server 2012, which no longer gets security updates.',
  orgCode: 'RXH',
  cafPrinciple: 'B4',
  likelihood: 3,
  consequence: 4,
  owner: 'Head of Digital, RXH',
  mitigations: ['Network segmentation', 'Extended support quote requested'],
  reviewDate: '2027-01-31',
  ...overrides,
});

/** Deep-freezes a value so any attempt to change it in place throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Runs `fn`, expecting a CtacError, and returns it for closer checks. */
export function caught(fn: () => unknown): { code: string; message: string; problems: string[] } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string; problems: string[] };
  }
  throw new Error('expected an error, but none was thrown');
}
