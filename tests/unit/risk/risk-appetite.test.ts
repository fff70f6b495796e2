import { raiseRisk } from '../../../src/domain/risk/raise-risk';
import { rescoreRisk } from '../../../src/domain/risk/rescore-risk';
import {
  appetiteFor,
  DEFAULT_RISK_APPETITE,
  exceedsAppetite,
  normaliseRiskAppetite,
  type RiskAppetite,
} from '../../../src/domain/risk/risk-appetite';
import { DEFAULT_RISK_BANDS } from '../../../src/domain/risk/risk-bands';
import type { RiskPolicy } from '../../../src/domain/risk/risk-policy';
import type { Risk } from '../../../src/domain/risk/risk';
import { AT, caught, member, validRiskInput } from './fixtures';

// The ICS tolerates up to 12; the hospital trust (RXH) only up to 8; the hospice (HOSP) up to 15.
const appetite: RiskAppetite = { icsWide: 12, organisations: { RXH: 8, HOSP: 15 } };
const policy: RiskPolicy = { bands: DEFAULT_RISK_BANDS, appetite };

const raise = (orgCode: string, likelihood: number, consequence: number) =>
  raiseRisk(validRiskInput({ orgCode, likelihood, consequence }), {
    id: 'risk-1',
    actor: member,
    at: AT,
    policy,
  });

describe('risk appetite', () => {
  test.each([
    ['RXH', 8, false, 'organisation'],
    ['RXH', 9, true, 'organisation'],
    ['HOSP', 15, false, 'organisation'],
    ['HOSP', 16, true, 'organisation'],
    ['ESCC', 12, false, 'ics-wide'],
    ['ESCC', 15, true, 'ics-wide'],
  ])(
    'when a risk of %s scores %i, then exceeding its appetite is %p (%s threshold)',
    (orgCode, score, exceeds, scope) => {
      expect(exceedsAppetite({ orgCode, score }, appetite)).toBe(exceeds);
      expect(appetiteFor(orgCode, appetite).scope).toBe(scope);
    },
  );

  test('when no appetite is configured, then the default escalates only extreme risks', () => {
    expect(exceedsAppetite({ orgCode: 'RXH', score: 12 }, DEFAULT_RISK_APPETITE)).toBe(false);
    expect(exceedsAppetite({ orgCode: 'RXH', score: 15 }, DEFAULT_RISK_APPETITE)).toBe(true);
  });

  test('when an organisation code looks like an object property, then the ICS-wide threshold still applies', () => {
    expect(appetiteFor('constructor', appetite)).toEqual({ threshold: 12, scope: 'ics-wide' });
  });

  test('when an admin sets appetites, then codes are tidied and every problem is listed at once', () => {
    expect(
      normaliseRiskAppetite({ icsWide: '12', organisations: { rxh: 8, ' hosp ': '15' } }),
    ).toEqual({
      icsWide: 12,
      organisations: { RXH: 8, HOSP: 15 },
    });
    expect(
      caught(() => normaliseRiskAppetite({ icsWide: 30, organisations: { 'R/X': 4, ESCC: 0 } }))
        .problems,
    ).toEqual([
      'Set the ICS-wide risk appetite: the highest score tolerated, a whole number from 1 to 25.',
      '"R/X" is not an organisation code.',
      'The risk appetite for ESCC must be a whole number from 1 to 25.',
    ]);
  });
});

describe('escalation when raising a risk', () => {
  test('when a risk is raised above its organisation’s appetite, then it is escalated against that threshold', () => {
    const { risk, event, escalation } = raise('RXH', 3, 3);
    expect(risk.score).toBe(9);
    expect(risk.status).toBe('escalated');
    expect(event.kind).toBe('raised');
    expect(escalation).toMatchObject({
      kind: 'escalated',
      reason: 'above-appetite',
      score: 9,
      appetite: { threshold: 8, scope: 'organisation' },
      statusFrom: 'open',
      actor: member,
      source: 'teams',
      at: '2026-11-28T09:00:00.000Z',
    });
    expect(risk.escalation).toMatchObject({ reason: 'above-appetite', appetite: { threshold: 8 } });
    expect(risk.history.map((e) => e.kind)).toEqual(['raised', 'escalated']);
  });

  test('when the same score is raised for an organisation with a higher appetite, then it stays open', () => {
    const { risk, escalation } = raise('HOSP', 3, 3);
    expect(risk.status).toBe('open');
    expect(escalation).toBeUndefined();
    expect(risk.escalation).toBeUndefined();
  });

  test('when an organisation has no appetite of its own, then the ICS-wide one decides', () => {
    expect(raise('ESCC', 3, 4).risk.status).toBe('open'); // 12, not above 12
    const { risk, escalation } = raise('ESCC', 3, 5); // 15
    expect(risk.status).toBe('escalated');
    expect(escalation?.appetite).toEqual({ threshold: 12, scope: 'ics-wide' });
  });

  test('when a risk sits exactly on its appetite, then it is not escalated', () => {
    expect(raise('RXH', 2, 4).risk.status).toBe('open'); // 8
  });
});

describe('escalation when re-scoring a risk', () => {
  const openRisk = (): Risk => raise('RXH', 2, 2).risk;
  const rescore = (risk: Risk, likelihood: number, consequence: number) =>
    rescoreRisk(
      risk,
      { likelihood, consequence, note: 'New exploit published' },
      { actor: member, at: AT, policy },
    );

  test('when an open risk is re-scored above appetite, then it is escalated', () => {
    const { risk, event, escalation } = rescore(openRisk(), 4, 4);
    expect(event?.from).toEqual({ likelihood: 2, consequence: 2, score: 4, band: 'moderate' });
    expect(event?.to).toEqual({ likelihood: 4, consequence: 4, score: 16, band: 'extreme' });
    expect(risk.status).toBe('escalated');
    expect(escalation?.appetite).toEqual({ threshold: 8, scope: 'organisation' });
    expect(risk.history.map((e) => e.kind)).toEqual(['raised', 'rescored', 'escalated']);
  });

  test('when an open risk is re-scored but stays within appetite, then it stays open', () => {
    const { risk, escalation } = rescore(openRisk(), 2, 4);
    expect(risk.score).toBe(8);
    expect(risk.status).toBe('open');
    expect(escalation).toBeUndefined();
  });

  test('when an accepted risk’s score rises further above appetite, then it goes back to the leads', () => {
    const accepted: Risk = { ...raise('RXH', 3, 3).risk, status: 'accepted' };
    expect(rescore(accepted, 4, 4).risk.status).toBe('escalated');
  });

  test('when an accepted risk is re-scored lower but still above appetite, then it stays accepted', () => {
    const accepted: Risk = { ...raise('RXH', 4, 4).risk, status: 'accepted' };
    const { risk, escalation } = rescore(accepted, 3, 3);
    expect(risk.status).toBe('accepted');
    expect(escalation).toBeUndefined();
  });

  test('when an escalated risk is re-scored below appetite, then it stays with the leads', () => {
    const escalated = raise('RXH', 4, 4).risk;
    const { risk, escalation } = rescore(escalated, 1, 2);
    expect(risk.status).toBe('escalated');
    expect(risk.band).toBe('low');
    expect(escalation).toBeUndefined();
  });
});
