import { parseCalendarDate, ukCalendarDate } from '../../../src/domain/risk/calendar-date';
import {
  cafPrincipleLabel,
  CAF_PRINCIPLE_CODES,
  parseCafPrinciple,
} from '../../../src/domain/risk/caf-principle';
import { clipText } from '../../../src/domain/shared/clean-text';
import { normaliseRisk, RISK_LIMITS } from '../../../src/domain/risk/risk';
import { caught, validRiskInput } from './fixtures';

describe('normaliseRisk', () => {
  test('when the form is filled in properly, then the fields come back tidied and typed', () => {
    const fields = normaliseRisk(
      validRiskInput({
        orgCode: ' rxh ',
        cafPrinciple: 'b4 System security',
        likelihood: 'likely',
        consequence: '5',
        mitigations: 'Network segmentation\r\n\r\n  MFA on the admin console  \n',
        reviewDate: '31/01/2027',
      }),
    );
    expect(fields).toEqual({
      title: 'Unsupported PACS server',
      description:
        'The imaging archive runs on Windows Server 2012, which no longer gets security updates.',
      orgCode: 'RXH',
      cafPrinciple: 'B4',
      likelihood: 4,
      consequence: 5,
      owner: 'Head of Digital, RXH',
      mitigations: ['Network segmentation', 'MFA on the admin console'],
      reviewDate: '2027-01-31',
    });
  });

  test('when everything is missing, then every problem is listed at once', () => {
    const error = caught(() => normaliseRisk({}));
    expect(error.code).toBe('validation');
    expect(error.message).toBe('Please check the risk details.');
    expect(error.problems).toEqual([
      'Give the risk a short title.',
      'Describe the risk: what could happen, and why.',
      'Choose the organisation that carries the risk.',
      'Choose the CAF principle the risk relates to, for example B4 System security.',
      'Choose how likely the risk is, from 1 (rare) to 5 (almost certain).',
      'Choose how bad the consequence would be, from 1 (negligible) to 5 (catastrophic).',
      'Name the risk owner: a person or a role.',
      'Give a date by which the risk will be reviewed.',
    ]);
  });

  test('when values are present but wrong or forged, then each gets its own message', () => {
    const error = caught(() =>
      normaliseRisk(
        {
          title: 'x'.repeat(RISK_LIMITS.title + 1),
          description: { html: '<b>hi</b>' },
          orgCode: 'R/X#H',
          cafPrinciple: 'F9',
          likelihood: 6,
          consequence: 'dreadful',
          owner: 'Ops',
          mitigations: [1, 2],
          reviewDate: '30/02/2027',
        },
        { today: '2026-11-28' },
      ),
    );
    expect(error.problems).toEqual([
      'The title must be at most 120 characters (it has 121).',
      'Describe the risk: what could happen, and why.',
      'The organisation code must be 2 to 12 letters, digits or hyphens, for example RXH.',
      '"F9" is not a CAF principle: choose one from A1 to D2, or E1 to E4 for the DSPT.',
      'Choose how likely the risk is, from 1 (rare) to 5 (almost certain).',
      'Choose how bad the consequence would be, from 1 (negligible) to 5 (catastrophic).',
      'The mitigations must be text, one a line.',
      'The review date must be a real date, for example 31/12/2026.',
    ]);
  });

  test('when there are too many or too long mitigations, then both are reported', () => {
    const many = Array.from({ length: RISK_LIMITS.mitigations + 1 }, (_, i) => `Step ${i + 1}`);
    many[2] = 'y'.repeat(RISK_LIMITS.mitigation + 5);
    const error = caught(() => normaliseRisk(validRiskInput({ mitigations: many })));
    expect(error.problems).toEqual([
      'List at most 20 mitigations (there are 21).',
      'Mitigation 3 must be at most 500 characters (it has 505).',
    ]);
  });

  test('when text carries control and invisible characters, then they are removed and lines kept in the description', () => {
    const fields = normaliseRisk(
      validRiskInput({
        title: '  PACS\u0000 server\u202e gnissim \u0007 patches\t\n',
        description: 'Line one\u0001\r\n\r\n\r\n\r\nLine\u200b two  \r\u0085Line three',
        owner: 'Zoe\u0308 O\u2019Brien, Ward 7',
      }),
    );
    expect(fields.title).toBe('PACS server gnissim patches');
    expect(fields.description).toBe('Line one\n\nLine two\nLine three');
    // Decomposed "e" + diaeresis becomes the single character people type.
    expect(fields.owner).toBe('Zo\u00eb O\u2019Brien, Ward 7');
  });

  test('when length is counted, then a non-ASCII character counts once', () => {
    const welsh = 'Gwasanaeth Iechyd ' + 'ŵ'.repeat(RISK_LIMITS.title - 18);
    expect(normaliseRisk(validRiskInput({ title: welsh })).title).toBe(welsh);
    expect(caught(() => normaliseRisk(validRiskInput({ title: welsh + '🙂' }))).problems).toEqual([
      'The title must be at most 120 characters (it has 121).',
    ]);
  });

  test('when today is known, then a review date in the past is refused unless it is the one kept', () => {
    expect(
      caught(() =>
        normaliseRisk(validRiskInput({ reviewDate: '2026-11-27' }), { today: '2026-11-28' }),
      ).problems,
    ).toEqual(['The review date cannot be in the past.']);
    expect(
      normaliseRisk(validRiskInput({ reviewDate: '2026-11-28' }), { today: '2026-11-28' })
        .reviewDate,
    ).toBe('2026-11-28');
    expect(
      normaliseRisk(validRiskInput({ reviewDate: '2026-10-01' }), {
        today: '2026-11-28',
        keepReviewDate: '2026-10-01',
      }).reviewDate,
    ).toBe('2026-10-01');
  });
});

describe('clipping prefilled text', () => {
  test.each([
    ['Short enough', 20, 'Short enough'],
    ['Gwasanaeth Iechyd Gwladol', 12, 'Gwasanaeth…'],
    ['Zoë 🙂🙂🙂', 5, 'Zoë…'],
    ['🙂🙂🙂', 2, '🙂…'],
  ])('when %p is clipped to %i characters, then it reads %p', (text, max, clipped) => {
    expect(clipText(text, max)).toBe(clipped);
    expect([...clipText(text, max)].length).toBeLessThanOrEqual(max);
  });
});

describe('CAF principles', () => {
  test('when listing the principles, then there are the 14 of the NCSC CAF and E1-E4 of the DSPT', () => {
    expect(CAF_PRINCIPLE_CODES).toEqual([
      'A1',
      'A2',
      'A3',
      'A4',
      'B1',
      'B2',
      'B3',
      'B4',
      'B5',
      'B6',
      'C1',
      'C2',
      'D1',
      'D2',
      'E1',
      'E2',
      'E3',
      'E4',
    ]);
  });

  test.each([
    ['a1', 'A1', 'A1 Governance'],
    ['B4 System security', 'B4', 'B4 System security'],
    [' e3 ', 'E3', 'E3 Using and sharing information'],
  ])('when %p is chosen, then it is %s', (given, code, label) => {
    const principle = parseCafPrinciple(given);
    expect(principle).toBe(code);
    expect(cafPrincipleLabel(principle!)).toBe(label);
  });

  test.each([['A5'], ['B7'], ['C3'], ['D3'], ['E5'], ['E'], ['B44'], ['toString'], [4]])(
    'when %p is chosen, then it is no principle',
    (given) => {
      expect(parseCafPrinciple(given)).toBeUndefined();
    },
  );
});

describe('calendar dates', () => {
  test.each([
    ['2027-01-31', '2027-01-31'],
    ['31/01/2027', '2027-01-31'],
    ['1/2/2027', '2027-02-01'],
    ['01.02.2027', '2027-02-01'],
    ['29-02-2028', '2028-02-29'],
  ])('when %p is typed, then it is the date %s', (typed, date) => {
    expect(parseCalendarDate(typed)).toBe(date);
  });

  test.each([['02/31/2027'], ['29/02/2027'], ['2027-13-01'], ['tomorrow'], [''], [20270131]])(
    'when %p is typed, then it is not a date (the American order is never guessed)',
    (typed) => {
      expect(parseCalendarDate(typed)).toBeUndefined();
    },
  );

  test('when it is late evening UTC in summer, then the UK date is already the next day', () => {
    expect(ukCalendarDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(ukCalendarDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});
