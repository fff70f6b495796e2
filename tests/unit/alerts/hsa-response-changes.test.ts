import {
  applyHsaResponseChanges,
  hsaResponseFormChanges,
  isHsaRefusalWorthTelling,
} from '../../../src/domain/alerts/hsa-response-changes';
import { acknowledgeHsa, newHsaResponse } from '../../../src/domain/alerts/hsa-response';
import { alex, sam } from './builders';

const form = (applicability = 'nochange', remediation = 'nochange', note = '') => ({
  applicability,
  remediation,
  note,
});

describe('the changes an HSA response form asks for', () => {
  test.each([
    ['nothing chosen or typed', form(), [{ kind: 'acknowledge' }]],
    ['empty choices', form('', '', '   '), [{ kind: 'acknowledge' }]],
    ['affected', form('affected'), [{ kind: 'applicability', value: 'affected' }]],
    ['patched', form('nochange', 'patched'), [{ kind: 'remediation', value: 'patched' }]],
    [
      'everything at once',
      form('affected', 'in progress', '  Patching the VPN tonight. '),
      [
        { kind: 'applicability', value: 'affected' },
        { kind: 'remediation', value: 'in progress' },
        { kind: 'update', note: 'Patching the VPN tonight.' },
      ],
    ],
  ])('when the form has %s, then the changes are %j', (_label, f, changes) => {
    expect(hsaResponseFormChanges(f)).toEqual({ changes, problems: [] });
  });

  test('when a choice is one the card never offers, then nothing is to change and each problem is said', () => {
    expect(hsaResponseFormChanges(form('maybe', 'sorted', 'A note'))).toEqual({
      changes: [],
      problems: [
        'Choose whether you are affected from the list.',
        'Choose the remediation from the list.',
      ],
    });
  });
});

describe('several HSA response changes made together', () => {
  const at = new Date('2026-11-28T09:00:00Z');

  test('when a fresh response gets three changes, then the first acknowledges and each has its event', () => {
    const { response, events, outcomes } = applyHsaResponseChanges(
      newHsaResponse('alert-1', 'RXH'),
      hsaResponseFormChanges(form('affected', 'mitigated', 'Blocked at the firewall.')).changes,
      sam,
      at,
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(events.map((e) => [e.kind, e.acknowledged])).toEqual([
      ['applicability', true],
      ['remediation', false],
      ['update', false],
    ]);
    expect(response).toMatchObject({
      applicability: 'affected',
      remediation: 'mitigated',
      lastNote: 'Blocked at the firewall.',
      acknowledgedBy: sam,
      acknowledgedAt: at.toISOString(),
    });
  });

  test('when one change is refused, then the others still apply and the refusal is in the outcomes', () => {
    const acked = acknowledgeHsa(newHsaResponse('alert-1', 'RXH'), alex, at);
    if (!acked.ok) throw new Error('expected an acknowledgement');
    const { response, events, outcomes } = applyHsaResponseChanges(
      acked.response,
      [{ kind: 'acknowledge' }, { kind: 'remediation', value: 'patched' }],
      sam,
      at,
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['already_acknowledged', 'ok']);
    expect(events.map((e) => e.kind)).toEqual(['remediation']);
    expect(response.acknowledgedBy).toEqual(alex);
  });

  test.each([
    ['unchanged', false],
    ['already_acknowledged', false],
    ['invalid_value', true],
    ['note_required', true],
    ['note_too_long', true],
  ] as const)('when a change is refused as %s, then telling the person is %p', (code, tell) => {
    expect(isHsaRefusalWorthTelling(code)).toBe(tell);
  });
});
