import {
  decisionFormFrom,
  decisionInput,
  defaultOrgCode,
  riskFormFrom,
} from '../../../src/bot/risks/form-data';
import { bandRowsFrom } from '../../../src/bot/risks/settings-actions';
import type { Member } from '../../../src/domain/people/member';
import type { Organisation } from '../../../src/domain/people/organisation';

const org = (code: string): Organisation => ({
  code,
  name: `Organisation ${code}`,
  isOes: false,
  createdAt: '2026-11-01T09:00:00Z',
  createdBy: 'test',
});
const member = (orgCode: string): Member => ({
  aadObjectId: 'aad-1',
  name: 'Asha Patel',
  upn: 'asha@example.gov.uk',
  orgCode,
  role: 'member',
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'test',
});

describe('reading the risk and decision forms', () => {
  test('when the risk form is sent, then every field is read as text and anything else is empty', () => {
    expect(
      riskFormFrom({ title: ' Phishing ', likelihood: 4, consequence: { x: 1 }, extra: 'ignored' }),
    ).toEqual({
      title: 'Phishing',
      description: '',
      orgCode: '',
      cafPrinciple: '',
      likelihood: '4',
      consequence: '',
      owner: '',
      mitigations: '',
      reviewDate: '',
      supplier: '',
      partOfExercise: '',
    });
  });

  test.each([
    ['a related risk', { relatedRisk: 'R-12', relatedAlert: 'A1' }, { kind: 'risk', id: 'R-12' }],
    [
      'no related risk but an alert',
      { relatedRisk: 'none', relatedAlert: ' A1 ' },
      { kind: 'alert', id: 'A1' },
    ],
    ['neither', { relatedRisk: 'none' }, undefined],
  ])('when the decision form names %s, then the decision is related to %j', (_l, data, related) => {
    expect(decisionInput(decisionFormFrom({ text: 'Block macros', ...data })).related).toEqual(
      related,
    );
  });

  test('when optional decision fields are empty, then they are left out', () => {
    expect(decisionInput(decisionFormFrom({ text: 'Block macros' }))).toMatchObject({
      decidedOn: undefined,
      sourceMessageLink: undefined,
      sourceMessageAuthor: undefined,
    });
  });
});

describe('the organisation a new risk form starts at', () => {
  const orgs = [org('RXC'), org('ESCC')];
  test.each([
    ['the caller’s own organisation', member('ESCC'), 'ESCC'],
    ['an organisation the ICS does not have', member('GONE'), ''],
    ['a caller with no organisation', member(''), ''],
    ['nobody known', undefined, ''],
  ])('when it is %s, then the form starts at %j', (_l, caller, expected) => {
    expect(defaultOrgCode(caller, orgs)).toBe(expected);
  });
});

describe('the bands form rows', () => {
  test('when some rows are empty, then they are dropped so problems number the bands as shown', () => {
    expect(
      bandRowsFrom({
        band1_name: 'Low',
        band1_min: 1,
        band1_max: '3',
        band2_name: ' ',
        band3_name: 'High',
        band3_min: '8',
        band3_max: '25',
        band16_name: 'beyond the form',
      }),
    ).toEqual([
      { name: 'Low', min: '1', max: '3' },
      { name: 'High', min: '8', max: '25' },
    ]);
  });
});
