import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

/** Asha, the admin who installed the app, types in her chat with CTAC or, mentioning CTAC, in the channel. */
async function command(text: string, expectText: string, opts: { inChannel?: boolean } = {}) {
  return stack.ask(opts.inChannel ? channel : personalChat, users.asha.id, text, expectText);
}
const etagOn = (cards: unknown): string =>
  String((cards as { actions: { data: { etag: string } }[] }[])[0]!.actions[0]!.data.etag ?? '');

const TIGHTER = {
  band1_name: 'low',
  band1_min: '1',
  band1_max: '2',
  band2_name: 'moderate',
  band2_min: '3',
  band2_max: '5',
  band3_name: 'high',
  band3_min: '6',
  band3_max: '8',
  band4_name: 'extreme',
  band4_min: '9',
  band4_max: '25',
};

beforeAll(async () => {
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
  await addMember(stack, users.chloe, 'RXC', 'member');
  const riskForm = await command('risk', 'Raise a risk');
  const raised = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.raise',
    {
      title: 'Shared admin account',
      description: 'One admin login is shared by the night team.',
      orgCode: 'RXC',
      cafPrinciple: 'B2',
      likelihood: '3',
      consequence: '3',
      owner: 'Service desk manager',
      reviewDate: '2027-02-28',
    },
    riskForm.messageId,
  );
  expect(cardText(raised.value)).toContain('Score 9 (High)');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a member forges a save of the bands form, then it is refused and risks keeps the old bands', async () => {
  // The form is in the channel, where Chloë can press its button too.
  const form = await command('bands', 'Risk bands', { inChannel: true });
  const forged = await stack.execute(
    form.conversationId,
    users.chloe.id,
    'bands.set',
    { ...TIGHTER, etag: etagOn(form.cards) },
    form.messageId,
  );
  expect(cardText(forged.value)).toContain('Only admins can change the risk bands.');
  const list = await command('risks', 'Open risks by score');
  expect(cardText(list.cards)).toContain('9 High: Shared admin account');
});

test('when an admin saves new bands, then risks shows the open risks in their new bands straight away', async () => {
  const form = await command('bands', 'Risk bands');
  expect(cardText(form.cards)).toContain(
    'In force now: Low 1-3, Moderate 4-6, High 8-12, Extreme 15-25.',
  );
  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'bands.set',
    { ...TIGHTER, etag: etagOn(form.cards) },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain(
    'The bands are now Low 1-2, Moderate 3-5, High 6-8, Extreme 9-25.',
  );
  const list = await command('risks', 'Open risks by score');
  expect(cardText(list.cards)).toContain('9 Extreme: Shared admin account');
});
