import { mayAttributeDecision, requireMayAttributeDecision } from '../../../src/domain/decisions';
import type { Role } from '../../../src/domain/people/member';
import { mayChangeRisk, requireMayChangeRisk, type RiskStatus } from '../../../src/domain/risk';
import { CtacError } from '../../../src/domain/shared/errors';

const who = (role: Role, orgCode = 'RXC') => ({ role, orgCode });
const risk = (status: RiskStatus, orgCode = 'RXC') => ({ id: 'R-1', orgCode, status });

describe('who may change a risk', () => {
  test.each([
    ['a member of its organisation, while open', who('member'), risk('open'), true],
    ['a member of its organisation, once treated', who('member'), risk('treating'), true],
    ['a member of its organisation, while escalated', who('member'), risk('escalated'), false],
    ['a member of another organisation', who('member', 'ESCC'), risk('open'), false],
    ['a member with no organisation', who('member', ''), risk('open', ''), false],
    [
      'a lead of another organisation, while escalated',
      who('lead', 'ESCC'),
      risk('escalated'),
      true,
    ],
    ['an admin with no organisation', who('admin', ''), risk('open'), true],
  ])('when the caller is %s, then mayChangeRisk is %s', (_name, caller, r, may) => {
    expect(mayChangeRisk(r, caller)).toBe(may);
  });

  test('when refused, then the error says who may, naming the organisation, and carries nothing of the risk', () => {
    const refuse = () =>
      requireMayChangeRisk(
        risk('open'),
        who('member', 'ESCC'),
        're-score',
        'East Sussex Healthcare NHS Trust (RXC)',
      );
    expect(refuse).toThrow(CtacError);
    expect(refuse).toThrow(
      'Only members of East Sussex Healthcare NHS Trust (RXC) and leads of the ICS cyber group can re-score risk R-1. Nothing was changed.',
    );
    expect(() => requireMayChangeRisk(risk('escalated'), who('member'), 'edit')).toThrow(
      'Risk R-1 is waiting for a decision from the ICS cyber group, so only its leads can edit it now.',
    );
  });
});

describe('who a decision may be attributed to', () => {
  test.each([
    ['forum', who('member'), true],
    ['RXC', who('member'), true],
    ['ESCC', who('member'), false],
    ['ics-cyber-group', who('member'), false],
    ['ics-cyber-group', who('lead'), true],
    ['ESCC', who('lead'), true],
    ['ics-cyber-group', who('admin', ''), true],
    ['RXC', who('member', ''), false],
  ])('when %s is chosen by %o, then it is allowed: %s', (decidedBy, logger, may) => {
    expect(mayAttributeDecision(decidedBy, logger)).toBe(may);
  });

  test('when a member is refused, then the error says who may and what they may choose instead', () => {
    try {
      requireMayAttributeDecision('ics-cyber-group', who('member', 'ESCC'), 'log', {
        ESCC: 'East Sussex County Council',
      });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(CtacError);
      expect((e as CtacError).code).toBe('forbidden');
      expect((e as CtacError).message).toBe(
        'Only leads of the ICS cyber group can log a decision as made by the ICS cyber group. Nothing was saved.',
      );
      expect((e as CtacError).problems).toEqual([
        'Choose the forum or East Sussex County Council (ESCC) as who decided, or ask a lead to log it.',
      ]);
    }
  });
});
