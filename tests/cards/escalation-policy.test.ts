import {
  formValues,
  policyFormCard,
  policyInput,
  policyLines,
  valuesOf,
} from '../../src/bot/alerts/escalation-policy-feature';
import { renderCard } from '../../src/cards/render';
import { defaultPolicies, normalisePolicy } from '../../src/domain/alerts';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const members = Array.from({ length: 400 }, (_, i) => ({
  aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `Person ${i} <b>"&'`,
}));
const names = new Map(members.map((m) => [m.aadObjectId, m.name]));
const memberName = async (id: string) => names.get(id);

test('when the high default policy is described, then each step reads in plain words', async () => {
  const lines = await policyLines(defaultPolicies.high, memberName);
  expect(lines).toEqual([
    'at once: page the primary on call',
    'after 15 minutes: page the primary on call and the secondary on call',
    'after 15 minutes: page every lead',
    'then all of it again once more, 30 minutes after the last step',
  ]);
  expect(await policyLines(defaultPolicies.information, memberName)).toEqual([
    'No paging: the card in the channel is the only notice.',
  ]);
});

test('when the policy list card is rendered for every severity, then it is a valid card naming members', async () => {
  const policy = {
    name: 'High: Person 3 then the channel',
    steps: [
      {
        delayMinutes: 90,
        targets: [{ kind: 'member' as const, memberId: members[3].aadObjectId }],
      },
      { delayMinutes: 60, targets: [{ kind: 'channel' as const }] },
    ],
    repeat: 0,
  };
  const card = renderCard('alerts/policy-list', {
    heading: 'Escalation policies',
    notice: 'Saved the high policy.',
    intro: 'intro',
    policies: [
      {
        title: 'High',
        name: policy.name,
        origin: 'set by an admin',
        lines: await policyLines(policy, memberName),
      },
      {
        title: 'Low',
        name: defaultPolicies.low.name,
        origin: 'default',
        lines: await policyLines(defaultPolicies.low, memberName),
      },
    ],
  });
  expect(validateCard(card)).toEqual([]);
  const text = cardText(card);
  expect(text).toContain(`after 1 hour 30 minutes: page ${members[3].name}`);
  expect(text).toContain('after 1 hour: page the whole channel');
  expect(text).toContain('Saved the high policy.');
});

test('when the edit form is rendered with problems and 400 members, then it is a valid card under 28 KB keeping what was typed', () => {
  const values = formValues({
    name: 'High, my way',
    delay1: '0',
    targets1: `primary,member:${members[5].aadObjectId}`,
    delay2: 'soon',
    targets2: `leads,member:${members[399].aadObjectId}`,
    repeat: '9',
  });
  const card = policyFormCard({
    rank: 'high',
    etag: 'W/"datetime\'2026-11-28T09%3A00%3A00Z\'"',
    isDefault: false,
    members,
    values,
    problems: ['Step 2: the delay must be a whole number of minutes.'],
  });
  expect(validateCard(card)).toEqual([]);
  const text = cardText(card);
  expect(text).toContain('soon');
  expect(text).toContain('Step 2: the delay must be a whole number of minutes.');
  expect(text).toContain(members[399].name);
  expect(text).toContain(members[5].name);
  expect(JSON.stringify(card)).toContain(`"value":"primary,member:${members[5].aadObjectId}"`);
  expect(JSON.stringify(card)).toContain('"id":"delay5"');
});

test('when a default policy goes through the form and back, then normalisePolicy gets the same policy', () => {
  for (const policy of Object.values(defaultPolicies)) {
    const values = valuesOf(policy);
    const fields: Record<string, string> = {
      name: values.name,
      repeat: values.repeat,
      repeatAfter: values.repeatAfter,
    };
    values.rows.forEach((r, i) => {
      fields[`delay${i + 1}`] = r.delay;
      fields[`targets${i + 1}`] = r.targets;
    });
    expect(normalisePolicy(policyInput(formValues(fields)))).toEqual(policy);
  }
});

test('when a row in the middle is left empty, then its problem names that row', () => {
  const input = policyInput(
    formValues({ name: 'x', delay1: '0', targets1: 'primary', delay3: '5', targets3: 'channel' }),
  );
  expect(() => normalisePolicy(input)).toThrow(
    expect.objectContaining({
      problems: expect.arrayContaining([expect.stringMatching(/^Step 2: /)]),
    }),
  );
});
