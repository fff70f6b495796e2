import { dateHelp, datePattern, parseLocalDate } from '../../src/tab/locale-dates';

test('when the Teams locale is en-GB, then dates read day first, and ISO days are accepted too', () => {
  const gb = datePattern('en-GB');
  expect(gb).toMatchObject({ pattern: 'dd/mm/yyyy', example: '28/11/2026' });
  expect(parseLocalDate('16/12/2026', gb)).toBe('2026-12-16');
  expect(parseLocalDate(' 1/2/2027 ', gb)).toBe('2027-02-01');
  expect(parseLocalDate('2026-12-16', gb)).toBe('2026-12-16');
  expect(dateHelp(gb)).toBe('Give the date as dd/mm/yyyy, for example 28/11/2026.');
});

test('when the Teams locale is en-US or de-DE, then dates follow that order and separator', () => {
  const us = datePattern('en-US');
  expect(us.pattern).toBe('mm/dd/yyyy');
  expect(parseLocalDate('12/16/2026', us)).toBe('2026-12-16');
  const de = datePattern('de-DE');
  expect(de.pattern).toBe('dd.mm.yyyy');
  expect(parseLocalDate('16.12.2026', de)).toBe('2026-12-16');
});

test('when a date is not real or the year is short, then it is refused', () => {
  const gb = datePattern('en-GB');
  for (const bad of ['31/02/2026', '16/13/2026', '16/12/26', '16/12', 'tomorrow', '', '2026-02-30'])
    expect({ bad, parsed: parseLocalDate(bad, gb) }).toEqual({ bad, parsed: undefined });
});

test('when the locale is missing or not understood, then en-GB is used', () => {
  expect(datePattern(undefined).pattern).toBe('dd/mm/yyyy');
  expect(datePattern('not a locale!').pattern).toBe('dd/mm/yyyy');
});
