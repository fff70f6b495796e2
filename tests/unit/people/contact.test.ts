import {
  DEFAULT_PAGING_PREFERENCES,
  describePreferences,
  formatUkMobile,
  nationalUkMobile,
  normaliseContact,
  parseUkMobile,
} from '../../../src/domain/people/contact';
import { CtacError } from '../../../src/domain/shared/errors';

describe('UK mobile numbers', () => {
  test.each([
    ['07700 900123', '+447700900123'],
    ['07700900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['+447700900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['447700900123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['(07700) 900-123', '+447700900123'],
    ['07700-900-123', '+447700900123'],
    ['  07700.900.123 ', '+447700900123'],
    ['07624 123456', '+447624123456'],
  ])('when someone types %s, then it is stored as %s', (typed, stored) => {
    expect(parseUkMobile(typed)).toEqual({ ok: true, mobile: stored });
  });

  test.each([
    ['01273 123456', /landline/],
    ['020 7946 0000', /landline/],
    ['0300 123 4567', /landline/],
    ['07700 9001', /too short/],
    ['07700 9001234', /too long/],
    ['07700 9OO123', /only digits/],
    ['call me', /only digits/],
    ['+33 6 12 34 56 78', /UK mobile numbers only/],
    ['0033 612345678', /UK mobile numbers only/],
    ['07600 123456', /pagers/],
    ['0800 123 4567', /starts 07/],
    ['07700+900123', /"\+" can only start/],
    ['', /Give a mobile number/],
  ])('when someone types %s, then it is refused saying why', (typed, why) => {
    const parsed = parseUkMobile(typed);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(why);
  });

  test('when a stored number is shown, then it is grouped as people read it', () => {
    expect(formatUkMobile('+447700900123')).toBe('+44 7700 900123');
    expect(nationalUkMobile('+447700900123')).toBe('07700 900123');
  });
});

describe('contact details and paging preferences', () => {
  const problemsOf = (input: Parameters<typeof normaliseContact>[0]): string[] => {
    try {
      normaliseContact(input);
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(CtacError);
      return (e as CtacError).problems;
    }
  };

  test('when nothing is given, then Teams alone with a text after 5 minutes is the default', () => {
    expect(normaliseContact({})).toEqual({ preferences: DEFAULT_PAGING_PREFERENCES });
    expect(DEFAULT_PAGING_PREFERENCES).toEqual({
      teamsAtOnce: true,
      textAfterMinutes: 5,
      emailCopy: false,
    });
  });

  test('when a number, an email, a wait and an email copy are given, then they are kept tidied', () => {
    expect(
      normaliseContact({
        mobile: '07700 900123',
        email: ' Asha.Patel@NHS.net ',
        textAfterMinutes: '10',
        emailCopy: 'true',
      }),
    ).toEqual({
      mobile: '+447700900123',
      email: 'asha.patel@nhs.net',
      preferences: { teamsAtOnce: true, textAfterMinutes: 10, emailCopy: true },
    });
  });

  test.each([
    ['off', 'off'],
    ['OFF', 'off'],
    ['1', 1],
    ['120', 120],
    ['', 5],
  ])('when the text wait is %s, then it is %s', (typed, wait) => {
    expect(normaliseContact({ textAfterMinutes: typed }).preferences.textAfterMinutes).toBe(wait);
  });

  test.each(['0', '121', '2.5', 'soon', '-3'])(
    'when the text wait is %s, then it is refused',
    (typed) => {
      expect(problemsOf({ textAfterMinutes: typed })).toEqual([
        expect.stringMatching(/whole number from 1 to 120, or "off"/),
      ]);
    },
  );

  test('when several things are wrong, then every problem is listed at once', () => {
    expect(
      problemsOf({
        mobile: '01273 123456',
        email: 'not an address',
        textAfterMinutes: 'soon',
        emailCopy: 'true',
      }),
    ).toEqual([
      expect.stringMatching(/landline/),
      expect.stringMatching(/email address must look like/),
      expect.stringMatching(/whole number/),
    ]);
  });

  test('when an email copy is asked for without an address, then it is refused', () => {
    expect(problemsOf({ emailCopy: 'true' })).toEqual([
      expect.stringMatching(/email copy needs an email address/),
    ]);
  });

  test.each([
    'asha@nhs',
    'asha@@nhs.net',
    'asha patel@nhs.net',
    'a@b.c',
    `${'a'.repeat(250)}@nhs.net`,
  ])('when the email address is %s, then it is refused', (email) => {
    expect(problemsOf({ email })).toHaveLength(1);
  });

  test('when preferences are described, then they read as plain English', () => {
    expect(
      describePreferences(
        { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: true },
        { mobile: true, email: true },
      ),
    ).toBe(
      'Teams at once, then a text after 5 minutes if the alert is still unacknowledged, and an email copy.',
    );
    expect(describePreferences(DEFAULT_PAGING_PREFERENCES, { mobile: false, email: false })).toBe(
      'Teams at once, no text (no mobile number).',
    );
  });
});
