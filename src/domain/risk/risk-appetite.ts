import { CtacError } from '../shared/errors';
import { parseOrgCode } from './org-code';

/**
 * How much risk the ICS and each organisation will carry without the ICS cyber group deciding: the highest
 * score tolerated. A risk scoring above its organisation's threshold (or the ICS-wide one when its organisation
 * has none) is escalated.
 */
export interface RiskAppetite {
  icsWide: number;
  /** Thresholds by organisation code; an organisation not listed uses the ICS-wide threshold. */
  organisations: Readonly<Record<string, number>>;
}

/** Until admins set one: anything above 12, that is every extreme risk on the NHS 5x5 matrix, is escalated. */
export const DEFAULT_RISK_APPETITE: RiskAppetite = Object.freeze({
  icsWide: 12,
  organisations: Object.freeze({}),
});

/** Which threshold applies to an organisation, and whether it is the organisation's own or the ICS-wide one. */
export interface AppliedAppetite {
  threshold: number;
  scope: 'organisation' | 'ics-wide';
}

export function appetiteFor(orgCode: string, appetite: RiskAppetite): AppliedAppetite {
  const own = Object.prototype.hasOwnProperty.call(appetite.organisations, orgCode)
    ? appetite.organisations[orgCode]
    : undefined;
  return own === undefined
    ? { threshold: appetite.icsWide, scope: 'ics-wide' }
    : { threshold: own, scope: 'organisation' };
}

/** True when the risk scores above the appetite that applies to its organisation. */
export const exceedsAppetite = (
  risk: { score: number; orgCode: string },
  appetite: RiskAppetite,
): boolean => risk.score > appetiteFor(risk.orgCode, appetite).threshold;

export interface RiskAppetiteInput {
  icsWide?: unknown;
  organisations?: unknown;
}

const threshold = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 25 ? n : undefined;
};

/** Checks thresholds an admin set (whole numbers 1-25), collecting every problem at once. */
export function normaliseRiskAppetite(input: RiskAppetiteInput): RiskAppetite {
  const problems: string[] = [];
  const icsWide = threshold(input.icsWide);
  if (icsWide === undefined)
    problems.push(
      'Set the ICS-wide risk appetite: the highest score tolerated, a whole number from 1 to 25.',
    );
  const organisations: Record<string, number> = {};
  const given = input.organisations ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push(
      'The organisations\u2019 risk appetites must be a list of organisation codes and scores.',
    );
  } else {
    for (const [rawCode, value] of Object.entries(given)) {
      const code = parseOrgCode(rawCode);
      const n = threshold(value);
      if (code === undefined) problems.push(`"${rawCode}" is not an organisation code.`);
      else if (n === undefined)
        problems.push(`The risk appetite for ${code} must be a whole number from 1 to 25.`);
      else organisations[code] = n;
    }
  }
  if (problems.length)
    throw new CtacError('validation', 'Please check the risk appetite.', problems);
  return { icsWide: icsWide as number, organisations };
}
