import { parseUkDateTime, parseUkDateTimeRange } from '../../../src/domain/rota/uk-date-time';
import { at } from './fixtures';

// Wednesday 25 November 2026, 14:30 in the UK (GMT, so also 14:30 UTC).
const NOW = at('2026-11-25T14:30:00Z');

const read = (text: string, now: Date = NOW) => {
  const result = parseUkDateTime(text, now);
  return result.ok
    ? { at: result.at.toISOString(), dateOnly: result.dateOnly }
    : { error: result.error };
};
const when = (iso: string) => ({ at: at(iso).toISOString(), dateOnly: false });
const day = (iso: string) => ({ at: at(iso).toISOString(), dateOnly: true });

describe('parseUkDateTime: what people type (now is Wed 25 Nov 2026, 14:30)', () => {
  test.each([
    ['tomorrow 9am', when('2026-11-26T09:00:00Z')],
    ['today 17:00', when('2026-11-25T17:00:00Z')],
    ['Fri 17:00', when('2026-11-27T17:00:00Z')],
    ['friday 5pm', when('2026-11-27T17:00:00Z')],
    ['28/11/2026 09:00', when('2026-11-28T09:00:00Z')],
    ['28/11 9:00', when('2026-11-28T09:00:00Z')],
    ['28 Nov 2026 09:00', when('2026-11-28T09:00:00Z')],
    ['28 Nov', day('2026-11-28T00:00:00Z')],
    ['noon', when('2026-11-26T12:00:00Z')],
    ['midnight', when('2026-11-26T00:00:00Z')],
    ['now', when('2026-11-25T14:30:00Z')],
    // Other ways people write the same things.
    ['Tomorrow, 9 AM', when('2026-11-26T09:00:00Z')],
    ['9 a.m. tomorrow', when('2026-11-26T09:00:00Z')],
    ['tmrw 09:30', when('2026-11-26T09:30:00Z')],
    ['at 5pm on Friday', when('2026-11-27T17:00:00Z')],
    ['5pm Fri', when('2026-11-27T17:00:00Z')],
    ['thurs 08:00', when('2026-11-26T08:00:00Z')],
    ['today 9:30pm', when('2026-11-25T21:30:00Z')],
    ['17.00', when('2026-11-25T17:00:00Z')],
    ['9.30 pm', when('2026-11-25T21:30:00Z')],
    ['28th November 2026 9am', when('2026-11-28T09:00:00Z')],
    ['Sat 28 Nov 09:00', when('2026-11-28T09:00:00Z')],
    ['28/11/26 09:00', when('2026-11-28T09:00:00Z')],
    ['28-11-2026 09:00', when('2026-11-28T09:00:00Z')],
    ['2026-11-28 09:00', when('2026-11-28T09:00:00Z')],
    ['2026-11-28T09:00:00Z', when('2026-11-28T09:00:00Z')],
    ['2026-07-01T09:00', when('2026-07-01T08:00:00Z')],
    ['1 December', day('2026-12-01T00:00:00Z')],
    ['tomorrow', day('2026-11-26T00:00:00Z')],
    ['friday', day('2026-11-27T00:00:00Z')],
    ['today midnight', when('2026-11-26T00:00:00Z')],
    ['Fri midnight', when('2026-11-28T00:00:00Z')],
    ['midday tomorrow', when('2026-11-26T12:00:00Z')],
  ])('when someone types "%s", then it means %j', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('parseUkDateTime: the rules for what is left unsaid', () => {
  test.each([
    ['a time still to come today means today', '17:00', when('2026-11-25T17:00:00Z')],
    ['a time already past today means tomorrow', '9am', when('2026-11-26T09:00:00Z')],
    ['the time it is now means now, today', '14:30', when('2026-11-25T14:30:00Z')],
    ['a minute ago means tomorrow', '14:29', when('2026-11-26T14:29:00Z')],
    ['12am is the start of a day, so tomorrow', '12am', when('2026-11-26T00:00:00Z')],
    ['12pm is noon, already past today', '12pm', when('2026-11-26T12:00:00Z')],
    ["today's weekday with a time still to come is today", 'Wed 5pm', when('2026-11-25T17:00:00Z')],
    [
      "today's weekday with a time already past is next week",
      'Wed 9am',
      when('2026-12-02T09:00:00Z'),
    ],
    ["today's weekday alone is today", 'Wednesday', day('2026-11-25T00:00:00Z')],
    ["yesterday's weekday is six days on", 'Tue 9am', when('2026-12-01T09:00:00Z')],
    ['a day and month still to come is this year', '1/12', day('2026-12-01T00:00:00Z')],
    ["today's day and month is today", '25/11', day('2026-11-25T00:00:00Z')],
    ['a day and month already past is next year', '24/11', day('2027-11-24T00:00:00Z')],
    ['1 January is next year', '1/1 09:00', when('2027-01-01T09:00:00Z')],
    ['29 February is the next leap year', '29/02', day('2028-02-29T00:00:00Z')],
    [
      'an explicit past date is kept (the caller decides)',
      'today 9am',
      when('2026-11-25T09:00:00Z'),
    ],
  ])('when %s ("%s"), then it is %j', (_rule, text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});

describe('parseUkDateTime: British Summer Time and the clock changes', () => {
  const SUMMER = at('2026-07-01T09:00:00Z'); // Wed 1 Jul 2026, 10:00 BST
  test.each([
    ['today 17:00 in summer is 16:00 UTC', 'today 17:00', SUMMER, when('2026-07-01T16:00:00Z')],
    ['tomorrow 9am in summer is 08:00 UTC', 'tomorrow 9am', SUMMER, when('2026-07-02T08:00:00Z')],
    [
      'a winter date typed in summer is GMT',
      '28/11/2026 09:00',
      SUMMER,
      when('2026-11-28T09:00:00Z'),
    ],
    [
      'tomorrow 9am on the eve of the spring change is BST',
      'tomorrow 9am',
      at('2026-03-28T12:00:00Z'),
      when('2026-03-29T08:00:00Z'),
    ],
    [
      'tomorrow 9am on the eve of the autumn change is GMT',
      'tomorrow 9am',
      at('2026-10-24T12:00:00Z'),
      when('2026-10-25T09:00:00Z'),
    ],
    [
      '03:00 on the morning the clocks go forward',
      '29/03/2026 03:00',
      NOW,
      when('2026-03-29T02:00:00Z'),
    ],
    [
      '01:30 when the clocks go back is the first (BST) one',
      '25/10/2026 01:30',
      NOW,
      when('2026-10-25T00:30:00Z'),
    ],
    [
      'midnight before the spring change is the start of the 23-hour day',
      '28/03/2026 midnight',
      NOW,
      when('2026-03-29T00:00:00Z'),
    ],
  ])('when %s, then it is read right', (_case, text, now, expected) => {
    expect(read(text, now)).toEqual(expected);
  });

  test('when the time does not exist because the clocks go forward, then it is refused', () => {
    expect(read('29/03/2026 01:30')).toEqual({
      error: '29 Mar 2026, 01:30 does not exist in UK time: the clocks go forward then.',
    });
  });
});

describe('parseUkDateTime: clear errors', () => {
  const TRY = 'Try, for example "tomorrow 9am", "Fri 17:00", "28/11/2026 09:00" or "28 Nov 09:00".';
  test.each([
    [
      '',
      'Give a date and time, for example "tomorrow 9am", "Fri 17:00", "28/11/2026 09:00" or "28 Nov 09:00".',
    ],
    ['next week', `I could not understand "next" in "next week". ${TRY}`],
    ['tomorrow-ish', `I could not understand "tomorrow-ish" in "tomorrow-ish". ${TRY}`],
    ['31/02/2026', '"31/02/2026" is not a real date.'],
    ['29/02/2027', '"29/02/2027" is not a real date.'],
    ['31 Nov', '"31 nov" is not a real date.'],
    ['25:00', '"25:00" is not a time of day.'],
    ['9:75', '"9:75" is not a time of day.'],
    ['13pm', '"13pm" is not a time of day: use 1 to 12 with am or pm.'],
    ['24:00', 'For the end of the day, say "midnight" rather than "24:00".'],
    ['28.11', '"28.11" is not a time of day.'],
    ['tomorrow today', `"tomorrow today" has more than one date in it. ${TRY}`],
    ['9am 5pm', `"9am 5pm" has more than one time in it. ${TRY}`],
    ['Fri Sat', `"Fri Sat" names more than one day. ${TRY}`],
    ['now 9am', `"now" cannot be combined with a date or time. ${TRY}`],
    ['Fri 28 Nov', '28 Nov 2026 is a Saturday, not a Friday.'],
    ['tomorrow fri', '26 Nov 2026 is a Thursday, not a Friday.'],
    ['2026-13-01T09:00', '"2026-13-01T09:00" is not a real date and time.'],
  ])('when someone types "%s", then the answer says what is wrong', (text, error) => {
    expect(read(text)).toEqual({ error });
  });
});

describe('parseUkDateTimeRange', () => {
  const range = (text: string) => {
    const result = parseUkDateTimeRange(text, NOW);
    return result.ok ? [result.start.toISOString(), result.end.toISOString()] : result.error;
  };
  const span = (start: string, end: string) => [at(start).toISOString(), at(end).toISOString()];

  test.each([
    ['tomorrow 9am to Fri 17:00', span('2026-11-26T09:00:00Z', '2026-11-27T17:00:00Z')],
    ['1/12 to 5/12 (whole days)', span('2026-12-01T00:00:00Z', '2026-12-06T00:00:00Z')],
    ['1/12 - 5/12', span('2026-12-01T00:00:00Z', '2026-12-06T00:00:00Z')],
    ['Fri 9am until Mon 9am', span('2026-11-27T09:00:00Z', '2026-11-30T09:00:00Z')],
    ['Fri 22:00 to 06:00 (overnight)', span('2026-11-27T22:00:00Z', '2026-11-28T06:00:00Z')],
    ['tomorrow 9am 5pm (no "to")', span('2026-11-26T09:00:00Z', '2026-11-26T17:00:00Z')],
    ['28/11 30/11 (no "to")', span('2026-11-28T00:00:00Z', '2026-12-01T00:00:00Z')],
    ['28 Nov 09:00 to 30 Nov 17:00', span('2026-11-28T09:00:00Z', '2026-11-30T17:00:00Z')],
    ['Mon to Fri', span('2026-11-30T00:00:00Z', '2026-12-05T00:00:00Z')],
    ['tomorrow to tomorrow', span('2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z')],
    ['28/12 to 2/1 (over the new year)', span('2026-12-28T00:00:00Z', '2027-01-03T00:00:00Z')],
    ['now until 17:00', span('2026-11-25T14:30:00Z', '2026-11-25T17:00:00Z')],
  ])('when someone types "%s", then the range is right', (text, expected) => {
    expect(range(text.replace(/ \(.*\)$/, ''))).toEqual(expected);
  });

  test.each([
    ['5/12 to 1/12', 'The end (2 Dec 2026, 00:00) must be after the start (5 Dec 2026, 00:00).'],
    [
      'fri 9am sat',
      'Put "to" between the start and the end, for example "tomorrow 9am to Fri 17:00".',
    ],
    [
      'whenever to Fri',
      `I could not understand "whenever" in "whenever". Try, for example "tomorrow 9am", "Fri 17:00", "28/11/2026 09:00" or "28 Nov 09:00".`,
    ],
    ['Fri 17:00 to 25:00', '"25:00" is not a time of day.'],
    [
      'sometime soon',
      'I could not read "sometime soon" as a start and an end. Try, for example, "tomorrow 9am to Fri 17:00" or "1/12 to 5/12".',
    ],
  ])('when someone types "%s", then the answer says what is wrong', (text, error) => {
    expect(range(text)).toBe(error);
  });
});
