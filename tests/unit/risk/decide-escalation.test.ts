import type { Role } from '../../../src/domain/people/member';
import { DECISION_OUTCOME_LABELS } from '../../../src/domain/decisions';
import {
  decideEscalation,
  repeatsLastDecision,
  STATUS_AFTER,
} from '../../../src/domain/risk/decide-escalation';
import {
  ESCALATION_CHOICE_LABELS,
  ESCALATION_CHOICE_TERMS,
  ESCALATION_CHOICES,
} from '../../../src/domain/risk/escalation-choice';
import { RISK_STATUS_LABELS } from '../../../src/domain/risk/risk-status';
import type { EscalationChoice } from '../../../src/domain/risk/escalation-choice';
import { raiseRisk } from '../../../src/domain/risk/raise-risk';
import type { Risk } from '../../../src/domain/risk/risk';
import type { Actor } from '../../../src/domain/shared/actor';
import { AT, caught, deepFreeze, lead, member, validRiskInput } from './fixtures';

const DECIDED_AT = new Date('2026-12-02T10:15:00Z');

// Likely x major = 16, above the default ICS-wide appetite of 12: escalated on raising.
const escalatedRisk = (): Risk =>
  deepFreeze(
    raiseRisk(validRiskInput({ likelihood: 4, consequence: 4 }), {
      id: 'risk-9',
      actor: member,
      at: AT,
    }).risk,
  );

// The caller passes the role explicitly (no default), so "not a member" really is `undefined`.
const decideAs = (
  actor: Actor,
  role: Role | undefined,
  risk: Risk,
  input: Record<string, unknown>,
) => decideEscalation(risk, input, { actor, role, at: DECIDED_AT, decisionId: 'dec-1' });
const decide = (risk: Risk, input: Record<string, unknown>) => decideAs(lead, 'lead', risk, input);

describe('a lead decides on an escalated risk', () => {
  test('when the risk is raised above appetite, then it is waiting for a decision', () => {
    expect(escalatedRisk().status).toBe('escalated');
  });

  test.each<[EscalationChoice, string, string]>([
    // Each choice's outcome reads the same as where it leaves the risk (issue 22, item 3).
    ['accept', 'accepted', 'accepted'],
    ['tolerate', 'tolerated', 'tolerated'],
    ['treat', 'treating', 'treating'],
    ['transfer', 'transferred', 'transferred'],
  ])(
    'when a lead chooses %s, then the risk becomes %s and the log shows %s',
    (choice, status, outcome) => {
      const { risk, event, decision } = decide(escalatedRisk(), {
        choice,
        rationale: 'Within the trust’s plan to replace the PACS by March.',
      });
      expect(STATUS_AFTER[choice]).toBe(status);
      expect(risk.status).toBe(status);
      expect(risk.escalation).toBeUndefined();
      expect(risk.lastDecision).toEqual({
        choice,
        rationale: 'Within the trust’s plan to replace the PACS by March.',
        decisionId: 'dec-1',
        at: '2026-12-02T10:15:00.000Z',
        by: lead,
      });
      expect(event).toEqual({
        kind: 'decided',
        riskId: 'risk-9',
        at: '2026-12-02T10:15:00.000Z',
        actor: lead,
        source: 'tab',
        choice,
        rationale: 'Within the trust’s plan to replace the PACS by March.',
        decisionId: 'dec-1',
        statusFrom: 'escalated',
        statusTo: status,
      });
      expect(decision).toMatchObject({
        id: 'dec-1',
        rationale: 'Within the trust’s plan to replace the PACS by March.',
        decidedBy: 'ics-cyber-group',
        outcome,
        related: { kind: 'risk', id: 'risk-9' },
        decidedOn: '2026-12-02',
        loggedAt: '2026-12-02T10:15:00.000Z',
        loggedBy: lead,
      });
      expect(decision.text).toMatch(
        /^(Accept|Tolerate|Treat|Transfer) the risk: Unsupported PACS server \(RXH, score 16, extreme\)\.$/,
      );
      expect(risk.history.map((e) => e.kind)).toEqual(['raised', 'escalated', 'decided']);
    },
  );

  test('when a lead asks for more information, then the risk stays escalated with the question noted', () => {
    const { risk, decision } = decide(escalatedRisk(), {
      choice: 'request-info',
      rationale: 'Which wards use the archive out of hours?',
    });
    expect(risk.status).toBe('escalated');
    expect(risk.escalation).toBeDefined();
    expect(risk.infoRequest).toEqual({
      text: 'Which wards use the archive out of hours?',
      at: '2026-12-02T10:15:00.000Z',
      by: lead,
    });
    expect(decision.outcome).toBe('information-requested');
    expect(decision.text).toBe(
      'Ask for more information on the risk: Unsupported PACS server (RXH, score 16, extreme).',
    );

    const after = decide(deepFreeze(risk), {
      choice: 'treat',
      rationale: 'Answered: two wards; fund the upgrade.',
    });
    expect(after.risk.status).toBe('treating');
    expect(after.risk.infoRequest).toBeUndefined();
  });

  test('when an admin decides, then it is allowed (admins can do what leads can)', () => {
    expect(
      decideAs(lead, 'admin', escalatedRisk(), { choice: 'accept', rationale: 'Agreed' }).risk
        .status,
    ).toBe('accepted');
  });

  test('when the choice is missing or forged and there is no rationale, then both problems are listed', () => {
    const error = caught(() => decide(escalatedRisk(), { choice: 'ignore', rationale: '   ' }));
    expect(error.code).toBe('validation');
    expect(error.problems).toEqual([
      'Choose accept, treat, transfer, tolerate or ask for more information.',
      'Give the rationale for the decision.',
    ]);
  });

  test('when the risk is not waiting for a decision, then deciding is a conflict', () => {
    const accepted = deepFreeze(
      decide(escalatedRisk(), { choice: 'accept', rationale: 'Agreed' }).risk,
    );
    const error = caught(() =>
      decide(accepted, { choice: 'treat', rationale: 'Changed our minds' }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toBe('You cannot decide on it while the risk is accepted.');
  });
});

describe('someone who is not a lead tries to decide', () => {
  test.each<[string, Role | undefined]>([
    ['a forum member', 'member'],
    ['someone who is not a member', undefined],
  ])('when %s sends a decision, then it is refused and nothing changes', (_who, role) => {
    const risk = escalatedRisk();
    const before = structuredClone(risk);
    const error = caught(() =>
      decideAs(member, role, risk, { choice: 'accept', rationale: 'Looks fine to me' }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Only leads of the ICS cyber group can decide on escalated risks.');
    expect(risk).toEqual(before);
    expect(risk.status).toBe('escalated');
    expect(risk.history).toHaveLength(2);
  });

  test('when a member sends forged data on a risk that is not escalated, then they are still told only leads decide', () => {
    const open = deepFreeze({ ...escalatedRisk(), status: 'open' as const });
    expect(caught(() => decideAs(member, 'member', open, { choice: 'nonsense' })).code).toBe(
      'forbidden',
    );
  });
});

describe('the words of each choice (one table)', () => {
  test('when a choice is decided, then its outcome reads the same as the status it leaves the risk in', () => {
    for (const choice of ESCALATION_CHOICES) {
      const terms = ESCALATION_CHOICE_TERMS[choice];
      expect(ESCALATION_CHOICE_LABELS[choice]).toBe(terms.name);
      if (choice !== 'request-info')
        expect(DECISION_OUTCOME_LABELS[terms.outcome]).toBe(RISK_STATUS_LABELS[terms.status]);
    }
    expect(DECISION_OUTCOME_LABELS[ESCALATION_CHOICE_TERMS.treat.outcome]).toBe('Being treated');
    expect(RISK_STATUS_LABELS[ESCALATION_CHOICE_TERMS.tolerate.status]).toBe('Tolerated');
    expect(new Set(ESCALATION_CHOICES.map((c) => ESCALATION_CHOICE_TERMS[c].outcome)).size).toBe(5);
  });
});

describe('the same decision again', () => {
  const input = { choice: 'treat', rationale: 'Replace it by March.' };
  test('when the same lead sends the same choice and rationale, then it is a repeat', () => {
    const { risk } = decide(escalatedRisk(), input);
    expect(
      repeatsLastDecision(risk, { ...input, rationale: ' Replace it by March. ' }, lead.id),
    ).toBe(true);
  });
  test('when the rationale, the choice or the person differs, or nothing was decided, then it is not', () => {
    const { risk } = decide(escalatedRisk(), input);
    expect(repeatsLastDecision(risk, { ...input, rationale: 'Other' }, lead.id)).toBe(false);
    expect(repeatsLastDecision(risk, { ...input, choice: 'accept' }, lead.id)).toBe(false);
    expect(repeatsLastDecision(risk, input, 'someone-else')).toBe(false);
    expect(repeatsLastDecision(escalatedRisk(), input, lead.id)).toBe(false);
  });
  test('when more information was asked for, then the same ask is a repeat but a decision after it is not', () => {
    const ask = { choice: 'request-info', rationale: 'Which wards?' };
    const { risk } = decide(escalatedRisk(), ask);
    expect(repeatsLastDecision(risk, ask, lead.id)).toBe(true);
    expect(repeatsLastDecision(risk, input, lead.id)).toBe(false);
  });
});
