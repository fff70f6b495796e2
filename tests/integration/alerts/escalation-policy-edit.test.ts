import { AlertSettings } from '../../../src/app/alerts/alert-settings';
import type { BotTurn } from '../../../src/bot/bot-feature';
import { escalationPolicyFeature } from '../../../src/bot/alerts/escalation-policy-feature';
import type { Member } from '../../../src/domain/people/member';
import { TableEscalationPolicyStore } from '../../../src/store/alert-escalation-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { cardText } from '../../helpers/stack';
import { alertWorld, people } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
});
afterEach(() => stop());

async function world() {
  const w = await alertWorld(store);
  const settings = new AlertSettings({
    policies: w.policies,
    members: w.members,
    directory: w.directory,
  });
  const feature = escalationPolicyFeature({
    settings,
    memberName: async (id) => (await w.members.get(id))?.name,
  });
  const turn = (who: Member | undefined): BotTurn =>
    ({ context: undefined, caller: async () => who }) as unknown as BotTurn;
  const save = (who: Member | undefined, data: Record<string, unknown>) =>
    feature.verbs!['policy.save']({ verb: 'policy.save', ...data }, turn(who));
  /** The etag the form carries, read as the form does. */
  const formEtag = async (rank: 'high' | 'medium') =>
    (await settings.editPolicy(people.ada, rank)).etag;
  return { ...w, settings, feature, turn, save, formEtag };
}

const leeFirst = {
  name: 'High: Lee, then the channel',
  delay1: '0',
  targets1: `member:${people.lee.aadObjectId}`,
  delay2: '10',
  targets2: 'channel,secondary',
  repeat: '0',
};

test('when an admin saves the form, then the policy is stored and policies shows it in plain words', async () => {
  const w = await world();
  const saved = await w.save(people.ada, {
    rank: 'high',
    etag: await w.formEtag('high'),
    ...leeFirst,
  });
  expect(cardText(saved)).toContain('Saved the high policy.');
  const list = cardText(await w.feature.runCommand!('policies', '', w.turn(people.sam)));
  expect(list).toContain('High: Lee, then the channel (set by an admin)');
  expect(list).toContain('at once: page Lee Evans');
  expect(list).toContain('after 10 minutes: page the whole channel and the secondary on call');
  expect(list).toContain('Medium: page the primary, the secondary after an hour (default)');
  // A second store instance (another app instance) reads it from Table Storage.
  const stored = await new TableEscalationPolicyStore(store, 0).all();
  expect(stored.high?.steps[1].targets).toEqual([{ kind: 'channel' }, { kind: 'secondary' }]);
});

test('when the form has problems, then it comes back listing them with what was typed and nothing is saved', async () => {
  const w = await world();
  const card = await w.save(people.ada, {
    rank: 'high',
    etag: await w.formEtag('high'),
    name: 'High, badly',
    delay1: 'ten',
    targets1: 'primary',
    delay2: '5',
    targets2: 'member:00000000-0000-0000-0000-00000000009f',
    repeat: '9',
  });
  const text = cardText(card);
  expect(text).toContain('Step 1: the delay must be a whole number of minutes');
  expect(text).toContain('Repeat must be a whole number from 0 to 5.');
  expect(text).toContain('ten');
  expect(text).toContain('High, badly');
  expect(await new TableEscalationPolicyStore(store, 0).all()).toEqual({});

  const unknown = cardText(
    await w.save(people.ada, {
      rank: 'high',
      etag: await w.formEtag('high'),
      name: 'High',
      delay1: '0',
      targets1: 'member:00000000-0000-0000-0000-00000000009f',
    }),
  );
  expect(unknown).toContain('is not a CTAC member');
  expect(await new TableEscalationPolicyStore(store, 0).all()).toEqual({});
});

test('when two admins save from forms opened at the same time, then the second is told and the first stands', async () => {
  const w = await world();
  const etag = await w.formEtag('high');
  await w.save(people.ada, { rank: 'high', etag, ...leeFirst });
  const second = cardText(
    await w.save(people.ada, { rank: 'high', etag, ...leeFirst, name: 'High: overwritten' }),
  );
  expect(second).toContain(
    'Someone saved this policy after your form was opened, so nothing was saved',
  );
  expect(second).toContain('High: Lee, then the channel');
  expect((await new TableEscalationPolicyStore(store, 0).all()).high?.name).toBe(
    'High: Lee, then the channel',
  );
  // Saving again from a form opened now works.
  await w.save(people.ada, {
    rank: 'high',
    etag: await w.formEtag('high'),
    ...leeFirst,
    name: 'High v3',
  });
  expect((await new TableEscalationPolicyStore(store, 0).all()).high?.name).toBe('High v3');
});

test('when a lead, a member or a stranger sends the save or asks for the form, then they are refused and nothing changes', async () => {
  const w = await world();
  const etag = await w.formEtag('high');
  for (const who of [people.lee, people.sam, undefined])
    await expect(w.save(who, { rank: 'high', etag, ...leeFirst })).rejects.toMatchObject({
      code: who ? 'forbidden' : 'not_a_member',
    });
  await expect(w.feature.runCommand!('policy', 'high', w.turn(people.lee))).rejects.toMatchObject({
    code: 'forbidden',
  });
  expect(await new TableEscalationPolicyStore(store, 0).all()).toEqual({});
});

test('when an admin asks for an unknown severity, then they are told the choices', async () => {
  const w = await world();
  await expect(w.feature.runCommand!('policy', 'urgent', w.turn(people.ada))).rejects.toMatchObject(
    {
      problems: [expect.stringContaining('critical, high, medium, low, information')],
    },
  );
  const form = cardText(await w.feature.runCommand!('policy', 'Medium', w.turn(people.ada)));
  expect(form).toContain('Escalation policy for medium alerts');
  expect(form).toContain('This is the default policy.');
});
