import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

/** Asha (the admin who installed the app) types a command; other people act through invokes, which carry their id. */
async function command(text: string, expectText: string, opts: { inChannel?: boolean } = {}) {
  return stack.ask(opts.inChannel ? channel : personalChat, users.asha.id, text, expectText);
}

/** The ETag the form carries, from the Save button's data. */
const formEtag = (card: unknown): string => {
  const match = /"verb":"policy\.save","rank":"high","etag":("(?:[^"\\]|\\.)*")/.exec(
    JSON.stringify(card),
  );
  expect(match).not.toBeNull();
  return JSON.parse(match![1]) as string;
};

beforeAll(async () => {
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
  const res = await addMember(stack, users.ben, 'RXC', 'lead');
  expect(cardText(res.value)).toContain('is now a lead for RXC');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when an admin edits the high policy on the card form, then "policies" shows the new steps in plain words', async () => {
  const before = await command('policies', 'Escalation policies');
  expect(cardText(before.cards)).toContain('High: page at once, widen every 15 minutes (default)');
  expect(cardText(before.cards)).toContain('after 15 minutes: page every lead');

  const form = await command('policy high', 'Escalation policy for high alerts', {
    inChannel: true,
  });
  expect(cardText(form.cards)).toContain('Ben Okafor');
  const etag = formEtag(form.cards);

  const bad = await stack.execute(
    form.conversationId,
    users.asha.id,
    'policy.save',
    { rank: 'high', etag, name: 'High: Ben first', delay1: 'straight away', targets1: 'primary' },
    form.messageId,
  );
  expect(cardText(bad.value)).toContain('Step 1: the delay must be a whole number of minutes');
  expect(cardText(bad.value)).toContain('straight away');

  const saved = await stack.execute(
    form.conversationId,
    users.asha.id,
    'policy.save',
    {
      rank: 'high',
      etag,
      name: 'High: Ben first',
      delay1: '0',
      targets1: `primary,member:${users.ben.aadObjectId}`,
      delay2: '20',
      targets2: 'channel',
      repeat: '0',
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Saved the high policy.');

  const after = cardText((await command('policies', 'Escalation policies')).cards);
  expect(after).toContain('High: Ben first (set by an admin)');
  expect(after).toContain('at once: page the primary on call and Ben Okafor');
  expect(after).toContain('after 20 minutes: page the whole channel');

  // The same form again is stale: refused, and the policy as it is now is shown.
  const stale = await stack.execute(
    form.conversationId,
    users.asha.id,
    'policy.save',
    { rank: 'high', etag, name: 'High: stale', delay1: '0', targets1: 'leads' },
    form.messageId,
  );
  expect(cardText(stale.value)).toContain('Someone saved this policy after your form was opened');
  expect(cardText(stale.value)).toContain('High: Ben first');
}, 60_000);

test('when a lead forges a save of the policy form, then they are refused and the policy is unchanged', async () => {
  const form = await command('policy high', 'Escalation policy for high alerts', {
    inChannel: true,
  });
  const forged = await stack.execute(
    form.conversationId,
    users.ben.id,
    'policy.save',
    {
      rank: 'high',
      etag: formEtag(form.cards),
      name: 'High: forged',
      delay1: '0',
      targets1: 'channel',
    },
    form.messageId,
  );
  expect(cardText(forged.value)).toContain('Only admins can change escalation policies.');

  const after = cardText((await command('policies', 'Escalation policies')).cards);
  expect(after).not.toContain('forged');
  expect(after).toContain('High: Ben first (set by an admin)');
}, 60_000);
