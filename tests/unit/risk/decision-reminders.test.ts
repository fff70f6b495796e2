import {
  decideEscalation,
  dueRiskReminders,
  escalateRisk,
  raiseRisk,
} from '../../../src/domain/risk';
import { FakeClock } from '../../../src/domain/shared/clock';
import { AT, lead, member, validRiskInput } from './fixtures';

const HOUR = 3_600_000;
const rules = { reminderHours: 24 };

/** A risk escalated by hand at `at` (AT, 09:00 UTC on 28 November 2026, by default). */
function escalatedRisk(opts: { at?: Date; reviewDate?: string } = {}) {
  const at = opts.at ?? AT;
  const { risk } = raiseRisk(validRiskInput({ reviewDate: opts.reviewDate ?? '2027-01-31' }), {
    id: 'R-1',
    actor: member,
    at,
  });
  return escalateRisk(risk, { note: 'Needs the group' }, { actor: member, at }).risk;
}

describe('which decision reminders are due', () => {
  test.each([
    { after: 0, due: [] },
    { after: 23 * HOUR, due: [] },
    { after: 24 * HOUR - 1, due: [] },
    { after: 24 * HOUR, due: ['undecided@2026-11-29T09:00:00.000Z'] },
    { after: 30 * 24 * HOUR, due: ['undecided@2026-11-29T09:00:00.000Z'] },
  ])(
    'when $after ms have passed since the escalation, then the reminders due are $due',
    ({ after, due }) => {
      const clock = new FakeClock(AT);
      const risk = escalatedRisk();
      clock.advance(after);
      const got = dueRiskReminders([risk], clock.now(), rules).map((r) => `${r.kind}@${r.dueAt}`);
      expect(got).toEqual(due);
    },
  );

  test.each([
    { hours: 1, dueAt: '2026-11-28T10:00:00.000Z' },
    { hours: 48, dueAt: '2026-11-30T09:00:00.000Z' },
  ])(
    'when the reminder time is $hours h, then the reminder falls due at $dueAt',
    ({ hours, dueAt }) => {
      const reminders = dueRiskReminders([escalatedRisk()], new Date('2026-12-31T00:00:00Z'), {
        reminderHours: hours,
      });
      expect(reminders).toEqual([{ riskId: 'R-1', kind: 'undecided', dueAt }]);
    },
  );

  test.each([
    // 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
    { reviewDate: '2026-12-01', now: '2026-12-01T08:59:59Z', due: ['undecided'] },
    {
      reviewDate: '2026-12-01',
      now: '2026-12-01T09:00:00Z',
      due: ['undecided', 'review-date@2026-12-01T09:00:00.000Z'],
    },
    {
      reviewDate: '2027-06-15',
      now: '2027-06-15T08:00:00Z',
      due: ['undecided', 'review-date@2027-06-15T08:00:00.000Z'],
    },
    { reviewDate: '2027-06-15', now: '2027-06-14T23:00:00Z', due: ['undecided'] },
  ])(
    'when the review date is $reviewDate and it is $now, then the reminders due are $due',
    ({ reviewDate, now, due }) => {
      const risk = escalatedRisk({ reviewDate });
      const got = dueRiskReminders([risk], new Date(now), rules).map((r) =>
        r.kind === 'undecided' ? r.kind : `${r.kind}@${r.dueAt}`,
      );
      expect(got).toEqual(due);
    },
  );

  test('when the review date is the day of the escalation but before it, then no review-date reminder is owed', () => {
    // Escalated at 10:00 on 28 November; 09:00 that day had already passed.
    const risk = escalatedRisk({ at: new Date('2026-11-28T10:00:00Z'), reviewDate: '2026-11-28' });
    const got = dueRiskReminders([risk], new Date('2026-11-28T12:00:00Z'), rules);
    expect(got).toEqual([]);
  });

  test('when the leads have decided, then no reminder is owed however late it is', () => {
    const decided = decideEscalation(
      escalatedRisk({ reviewDate: '2026-12-01' }),
      { choice: 'accept', rationale: 'Segmented; replacement funded' },
      { actor: lead, at: AT, role: 'lead', decisionId: 'D-1' },
    ).risk;
    expect(dueRiskReminders([decided], new Date('2027-01-01T00:00:00Z'), rules)).toEqual([]);
  });

  test('when the leads asked for more information, then the risk is still undecided and is reminded', () => {
    const asked = decideEscalation(
      escalatedRisk(),
      { choice: 'request-info', rationale: 'Which wards use the PACS?' },
      { actor: lead, at: AT, role: 'lead', decisionId: 'D-1' },
    ).risk;
    const got = dueRiskReminders([asked], new Date(AT.getTime() + 24 * HOUR), rules);
    expect(got.map((r) => r.kind)).toEqual(['undecided']);
  });

  test('when a risk is not escalated, then nothing is due', () => {
    const { risk } = raiseRisk(validRiskInput({ likelihood: 1, consequence: 1 }), {
      id: 'R-2',
      actor: member,
      at: AT,
    });
    expect(dueRiskReminders([risk], new Date('2027-12-31T00:00:00Z'), rules)).toEqual([]);
  });

  test('when a risk is escalated again, then its reminder has a new due time (a new reminder)', () => {
    const first = dueRiskReminders([escalatedRisk()], new Date('2026-12-31T00:00:00Z'), rules);
    const again = dueRiskReminders(
      [escalatedRisk({ at: new Date('2026-12-10T12:00:00Z') })],
      new Date('2026-12-31T00:00:00Z'),
      rules,
    );
    expect(first[0]!.dueAt).not.toBe(again[0]!.dueAt);
    expect(again[0]!.dueAt).toBe('2026-12-11T12:00:00.000Z');
  });
});
