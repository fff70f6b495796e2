import {
  decisionMakerLabel,
  logDecision,
  normaliseDecision,
  type Decision,
} from '../../../src/domain/decisions/decision';
import { markSuperseded, supersede } from '../../../src/domain/decisions/supersede';
import { AT, caught, deepFreeze, lead, member } from './fixtures';

const LINK =
  'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1764320400000?groupId=g&tenantId=t';
const LATER = new Date('2026-12-03T16:45:00Z');

const logged = (): Decision =>
  deepFreeze(
    logDecision(
      {
        text: 'Block inbound RDP at every organisation’s perimeter',
        rationale: 'CC-4719 is being exploited against NHS organisations.',
        decidedBy: 'ICS cyber group',
        outcome: 'Approved',
        related: { kind: 'alert', id: 'CC-4719' },
        sourceMessageLink: LINK,
        sourceMessageAuthor: 'Zoë O’Brien',
      },
      { id: 'dec-1', actor: member, at: AT },
    ),
  );

describe('logging a decision', () => {
  test('when a decision is logged from a chat message, then it is tidied and stamped with who and when', () => {
    expect(logged()).toEqual({
      id: 'dec-1',
      text: 'Block inbound RDP at every organisation’s perimeter',
      rationale: 'CC-4719 is being exploited against NHS organisations.',
      decidedBy: 'ics-cyber-group',
      outcome: 'approved',
      related: { kind: 'alert', id: 'CC-4719' },
      sourceMessageLink: LINK,
      sourceMessageAuthor: 'Zoë O’Brien',
      decidedOn: '2026-11-28',
      loggedAt: '2026-11-28T09:00:00.000Z',
      loggedBy: member,
    });
  });

  test.each([
    ['forum', 'forum', 'The forum'],
    ['Forum', 'forum', 'The forum'],
    ['ics_cyber_group', 'ics-cyber-group', 'ICS cyber group'],
    ['escc', 'ESCC', 'East Sussex County Council (ESCC)'],
    ['RXH', 'RXH', 'RXH'],
  ])('when it was decided by %p, then it is stored as %p and reads %p', (given, stored, label) => {
    const fields = normaliseDecision(
      { text: 'x', rationale: 'y', decidedBy: given, outcome: 'noted' },
      { today: '2026-11-28' },
    );
    expect(fields.decidedBy).toBe(stored);
    expect(decisionMakerLabel(fields.decidedBy, { ESCC: 'East Sussex County Council' })).toBe(
      label,
    );
  });

  test('when a decision has an earlier date, then that date is kept; a future one is refused', () => {
    const base = { text: 'x', rationale: 'y', decidedBy: 'forum', outcome: 'noted' };
    expect(
      normaliseDecision({ ...base, decidedOn: '26/11/2026' }, { today: '2026-11-28' }).decidedOn,
    ).toBe('2026-11-26');
    expect(
      caught(() => normaliseDecision({ ...base, decidedOn: '2026-11-29' }, { today: '2026-11-28' }))
        .problems,
    ).toEqual(['The decision date cannot be in the future.']);
  });

  test('when everything is missing or forged, then every problem is listed at once', () => {
    const error = caught(() =>
      normaliseDecision({
        text: '\u0000 ',
        decidedBy: 'the board',
        outcome: 'maybe',
        related: { kind: 'user', id: 'x' },
        sourceMessageLink: 'javascript:alert(1)',
        sourceMessageAuthor: 'a'.repeat(121),
      }),
    );
    expect(error.code).toBe('validation');
    expect(error.message).toBe('Please check the decision details.');
    expect(error.problems).toEqual([
      'Say what was decided.',
      'Give the rationale: why it was decided.',
      'Say who made the decision: the forum, the ICS cyber group or an organisation.',
      'Choose the outcome: approved, rejected, deferred or noted.',
      'A decision can relate only to a risk or an alert.',
      'The link to the message must be a web address starting with https://.',
      'The message author must be at most 120 characters (it has 121).',
      'Give the date the decision was made.',
    ]);
  });

  test('when the related id has characters a key cannot hold, then it is refused', () => {
    const error = caught(() =>
      normaliseDecision(
        {
          text: 'x',
          rationale: 'y',
          decidedBy: 'forum',
          outcome: 'noted',
          related: { kind: 'risk', id: 'a/b#c' },
        },
        { today: '2026-11-28' },
      ),
    );
    expect(error.problems).toEqual(['Choose the risk the decision relates to.']);
  });
});

describe('superseding a decision', () => {
  test('when a decision is corrected, then a new one supersedes it and the old one is untouched', () => {
    const old = logged();
    const before = structuredClone(old);
    const correction = supersede(
      old,
      {
        id: 'dec-2',
        outcome: 'deferred',
        rationale: 'Wait for the national CSOC’s advice on CC-4719.',
      },
      lead,
      LATER,
    );
    expect(old).toEqual(before);
    expect(correction).toEqual({
      ...before,
      id: 'dec-2',
      outcome: 'deferred',
      rationale: 'Wait for the national CSOC’s advice on CC-4719.',
      loggedAt: '2026-12-03T16:45:00.000Z',
      loggedBy: lead,
      supersedes: 'dec-1',
    });
  });

  test('when a correction changes nothing, then it is refused', () => {
    const error = caught(() =>
      supersede(logged(), { id: 'dec-2', outcome: 'approved' }, lead, LATER),
    );
    expect(error.code).toBe('validation');
    expect(error.problems).toEqual([
      'The correction is the same as the decision it replaces: change what was wrong.',
    ]);
  });

  test('when a correction reuses the old id or has none, then it is refused', () => {
    expect(
      caught(() => supersede(logged(), { id: 'dec-1', outcome: 'noted' }, lead, LATER)).code,
    ).toBe('bad_request');
    expect(caught(() => supersede(logged(), { id: '', outcome: 'noted' }, lead, LATER)).code).toBe(
      'bad_request',
    );
  });

  test('when a correction is invalid, then its problems are listed like any decision’s', () => {
    const error = caught(() =>
      supersede(logged(), { id: 'dec-2', outcome: 'sort of', text: '' }, lead, LATER),
    );
    expect(error.problems).toEqual([
      'Say what was decided.',
      'Choose the outcome: approved, rejected, deferred or noted.',
    ]);
  });

  test('when a correction drops the related alert, then the new decision has none', () => {
    expect(
      supersede(logged(), { id: 'dec-2', related: null }, lead, LATER).related,
    ).toBeUndefined();
  });

  test('when the log is read, then superseded decisions are marked, all stay, and the order is kept', () => {
    const first = logged();
    const second = supersede(first, { id: 'dec-2', outcome: 'deferred' }, lead, LATER);
    const third = supersede(
      second,
      { id: 'dec-3', outcome: 'rejected' },
      lead,
      new Date('2026-12-04T09:00:00Z'),
    );
    const unrelated = logDecision(
      {
        text: 'Adopt the NHS 5x5 matrix',
        rationale: 'Common language',
        decidedBy: 'forum',
        outcome: 'approved',
      },
      { id: 'dec-4', actor: member, at: LATER },
    );
    const log = [unrelated, third, first, second];
    expect(markSuperseded(log).map((e) => [e.decision.id, e.supersededBy])).toEqual([
      ['dec-4', undefined],
      ['dec-3', undefined],
      ['dec-1', 'dec-2'],
      ['dec-2', 'dec-3'],
    ]);
    // The decisions that stand are those marked superseded by none.
    expect(
      markSuperseded(log)
        .filter((e) => !e.supersededBy)
        .map((e) => e.decision.id),
    ).toEqual(['dec-4', 'dec-3']);
  });

  test('when two corrections of one decision race, then the one logged last is shown as superseding it', () => {
    const first = logged();
    const a = supersede(first, { id: 'dec-a', outcome: 'noted' }, lead, LATER);
    const b = supersede(
      first,
      { id: 'dec-b', outcome: 'rejected' },
      member,
      new Date('2026-12-03T16:46:00Z'),
    );
    expect(markSuperseded([b, first, a]).find((e) => e.decision.id === 'dec-1')?.supersededBy).toBe(
      'dec-b',
    );
  });
});
