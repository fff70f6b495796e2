import { closeRisk } from '../../../src/domain/risk/close-risk';
import { editRisk } from '../../../src/domain/risk/edit-risk';
import { escalateRisk } from '../../../src/domain/risk/escalate-risk';
import { raiseRisk } from '../../../src/domain/risk/raise-risk';
import { rescoreRisk } from '../../../src/domain/risk/rescore-risk';
import type { Risk } from '../../../src/domain/risk/risk';
import { AT, caught, deepFreeze, lead, member, validRiskInput } from './fixtures';

const LATER = new Date('2026-12-01T14:30:00Z');
const openRisk = (): Risk =>
  deepFreeze(raiseRisk(validRiskInput(), { id: 'risk-7', actor: member, at: AT }).risk);

describe('raising a risk', () => {
  test('when a risk is raised within appetite, then it is open, scored, banded and has a raised event', () => {
    const { risk, event, escalation } = raiseRisk(validRiskInput(), {
      id: 'risk-7',
      actor: member,
      at: AT,
    });
    expect(risk).toMatchObject({
      id: 'risk-7',
      orgCode: 'RXH',
      likelihood: 3,
      consequence: 4,
      score: 12,
      band: 'high',
      status: 'open',
      raisedAt: '2026-11-28T09:00:00.000Z',
      raisedBy: member,
      updatedAt: '2026-11-28T09:00:00.000Z',
    });
    expect(event).toEqual({
      kind: 'raised',
      riskId: 'risk-7',
      at: '2026-11-28T09:00:00.000Z',
      actor: member,
      source: 'teams',
      rating: { likelihood: 3, consequence: 4, score: 12, band: 'high' },
    });
    expect(risk.history).toEqual([event]);
    expect(escalation).toBeUndefined();
  });

  test('when the review date is before today (UK), then raising is refused', () => {
    const error = caught(() =>
      raiseRisk(validRiskInput({ reviewDate: '2026-11-27' }), { id: 'r', actor: member, at: AT }),
    );
    expect(error.problems).toEqual(['The review date cannot be in the past.']);
  });
});

describe('editing a risk', () => {
  test('when details change, then only the changed fields are in the event, old and new', () => {
    const before = openRisk();
    const { risk, event } = editRisk(
      before,
      {
        title: 'Unsupported PACS server (imaging)',
        mitigations: 'Network segmentation',
        owner: 'Head of Digital, RXH',
      },
      { actor: lead, at: LATER },
    );
    expect(event?.changes).toEqual({
      title: { from: 'Unsupported PACS server', to: 'Unsupported PACS server (imaging)' },
      mitigations: {
        from: ['Network segmentation', 'Extended support quote requested'],
        to: ['Network segmentation'],
      },
    });
    expect(event).toMatchObject({ kind: 'edited', riskId: 'risk-7', source: 'tab', actor: lead });
    expect(risk.title).toBe('Unsupported PACS server (imaging)');
    expect(risk.updatedAt).toBe('2026-12-01T14:30:00.000Z');
    expect(risk.history.map((e) => e.kind)).toEqual(['raised', 'edited']);
  });

  test('when the form is sent again unchanged, then nothing happens and there is no event', () => {
    const before = openRisk();
    const result = editRisk(before, validRiskInput(), { actor: member, at: LATER });
    expect(result.event).toBeUndefined();
    expect(result.risk).toBe(before);
  });

  test('when a forged edit tries to move the organisation or change the rating, then it is refused', () => {
    const before = openRisk();
    const error = caught(() =>
      editRisk(
        before,
        { orgCode: 'ESCC', likelihood: 5, title: 'Other' },
        { actor: member, at: LATER },
      ),
    );
    expect(error.code).toBe('validation');
    expect(error.problems).toEqual([
      'The organisation of a risk cannot be changed: close it and raise it again for the other one.',
      'Change the likelihood and consequence with "Re-score", so the change is recorded.',
    ]);
  });

  test('when the review date has passed, then other edits still go through but a new past date does not', () => {
    const overdue = deepFreeze({ ...openRisk(), reviewDate: '2026-11-30' });
    expect(editRisk(overdue, { owner: 'CISO' }, { actor: member, at: LATER }).risk.owner).toBe(
      'CISO',
    );
    expect(
      caught(() => editRisk(overdue, { reviewDate: '2026-11-29' }, { actor: member, at: LATER }))
        .problems,
    ).toEqual(['The review date cannot be in the past.']);
  });

  test('when an edit is invalid, then every problem is listed', () => {
    const error = caught(() =>
      editRisk(openRisk(), { title: '  ', owner: '' }, { actor: member, at: LATER }),
    );
    expect(error.problems).toEqual([
      'Give the risk a short title.',
      'Name the risk owner: a person or a role.',
    ]);
  });
});

describe('re-scoring, escalating by hand and closing', () => {
  test('when the same rating is given again, then nothing happens', () => {
    const before = openRisk();
    const result = rescoreRisk(
      before,
      { likelihood: 'possible', consequence: 'major' },
      { actor: member, at: LATER },
    );
    expect(result.event).toBeUndefined();
    expect(result.risk).toBe(before);
  });

  test('when a re-score is missing its values, then both problems are listed', () => {
    expect(
      caught(() => rescoreRisk(openRisk(), {}, { actor: member, at: LATER })).problems,
    ).toEqual([
      'Choose how likely the risk is, from 1 (rare) to 5 (almost certain).',
      'Choose how bad the consequence would be, from 1 (negligible) to 5 (catastrophic).',
    ]);
  });

  test('when a member escalates a risk with a reason, then it waits for the leads', () => {
    const { risk, event } = escalateRisk(
      openRisk(),
      { note: 'Affects three trusts' },
      { actor: member, at: LATER },
    );
    expect(risk.status).toBe('escalated');
    expect(event).toMatchObject({
      kind: 'escalated',
      reason: 'raised-by-member',
      note: 'Affects three trusts',
      score: 12,
    });
    expect(risk.escalation).toMatchObject({ reason: 'raised-by-member', by: member });
  });

  test('when a member escalates without a reason, then it is refused', () => {
    expect(
      caught(() => escalateRisk(openRisk(), { note: ' ' }, { actor: member, at: LATER })).problems,
    ).toEqual(['Say why the ICS cyber group should decide on this risk.']);
  });

  test('when an escalated risk is escalated again, then that is a conflict', () => {
    const escalated = deepFreeze(
      escalateRisk(openRisk(), { note: 'x' }, { actor: member, at: LATER }).risk,
    );
    const error = caught(() =>
      escalateRisk(escalated, { note: 'again' }, { actor: member, at: LATER }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      'This risk is already waiting for a decision from the ICS cyber group.',
    );
  });

  test('when a risk is closed with a reason, then it is closed and can no longer change', () => {
    const { risk, event } = closeRisk(
      openRisk(),
      { reason: 'Server decommissioned' },
      { actor: member, at: LATER },
    );
    expect(risk.status).toBe('closed');
    expect(event).toMatchObject({
      kind: 'closed',
      reason: 'Server decommissioned',
      statusFrom: 'open',
    });
    expect(risk.closure).toEqual({
      text: 'Server decommissioned',
      at: '2026-12-01T14:30:00.000Z',
      by: member,
    });
    const closed = deepFreeze(risk);
    for (const attempt of [
      () => editRisk(closed, { title: 'New' }, { actor: member, at: LATER }),
      () => rescoreRisk(closed, { likelihood: 1, consequence: 1 }, { actor: member, at: LATER }),
      () => escalateRisk(closed, { note: 'x' }, { actor: member, at: LATER }),
      () => closeRisk(closed, { reason: 'x' }, { actor: member, at: LATER }),
    ])
      expect(caught(attempt).code).toBe('conflict');
  });

  test('when a risk waits for the leads, then it cannot be closed around them', () => {
    const escalated = escalateRisk(openRisk(), { note: 'x' }, { actor: member, at: LATER }).risk;
    const error = caught(() =>
      closeRisk(escalated, { reason: 'Done' }, { actor: member, at: LATER }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      'You cannot close it while the risk is waiting for a decision from the ICS cyber group.',
    );
  });

  test('when closing without a reason, then it is refused', () => {
    expect(caught(() => closeRisk(openRisk(), {}, { actor: member, at: LATER })).problems).toEqual([
      'Say why the risk is being closed.',
    ]);
  });
});
