import { editRisk } from '../../../src/domain/risk/edit-risk';
import { raiseRisk } from '../../../src/domain/risk/raise-risk';
import { AT, caught, deepFreeze, member, validRiskInput } from './fixtures';

const LATER = new Date('2026-12-01T14:30:00Z');

describe('a risk naming a supplier (issue 20)', () => {
  test('when the form names no supplier, then the risk has no supplier field at all', () => {
    const { risk } = raiseRisk(validRiskInput({ supplier: '  ' }), {
      id: 'r',
      actor: member,
      at: AT,
    });
    expect('supplier' in risk).toBe(false);
  });

  test('when the form names a supplier, then the risk keeps the name, tidied', () => {
    const { risk } = raiseRisk(validRiskInput({ supplier: ' Acme\u200b  Pathology ' }), {
      id: 'r',
      actor: member,
      at: AT,
    });
    expect(risk.supplier).toBe('Acme Pathology');
  });

  test('when the supplier name is too long, then raising is refused', () => {
    const error = caught(() =>
      raiseRisk(validRiskInput({ supplier: 'x'.repeat(121) }), { id: 'r', actor: member, at: AT }),
    );
    expect(error.problems).toEqual(['The supplier must be at most 120 characters (it has 121).']);
  });

  test('when an edit names, then clears, the supplier, then each change is recorded', () => {
    const before = deepFreeze(raiseRisk(validRiskInput(), { id: 'r', actor: member, at: AT }).risk);
    const named = editRisk(before, { supplier: 'Acme Pathology' }, { actor: member, at: LATER });
    expect(named.risk.supplier).toBe('Acme Pathology');
    expect(named.event?.changes).toEqual({ supplier: { to: 'Acme Pathology' } });
    const cleared = editRisk(named.risk, { supplier: '' }, { actor: member, at: LATER });
    expect('supplier' in cleared.risk).toBe(false);
    expect(cleared.event?.changes).toEqual({ supplier: { from: 'Acme Pathology' } });
    expect(editRisk(before, { title: before.title }, { actor: member, at: LATER }).event).toBe(
      undefined,
    );
  });
});
