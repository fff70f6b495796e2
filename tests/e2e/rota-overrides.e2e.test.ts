import { DateTime } from 'luxon';
import {
  addTrustWithAshaBenAndChloe,
  setUpDailyPrimaryRotation,
  startInstalled,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

/** Asha types a command (the Playground sends typed text as her) and waits for the reply containing `expectText`. */
async function ask(conversationId: string, text: string, expectText: string): Promise<BotMessage> {
  return stack.ask(conversationId, users.asha.id, text, expectText);
}

const ukDay = (days: number) =>
  DateTime.now().setZone('Europe/London').plus({ days }).toFormat('d/M/yyyy');

beforeAll(async () => {
  stack = await startInstalled();
  await addTrustWithAshaBenAndChloe(stack);
  const saved = await setUpDailyPrimaryRotation(stack, [users.asha.aadObjectId]);
  expect(cardText(saved.value)).toContain('Set up the primary rotation');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a lead types rota add for someone on the secondary layer, then it is confirmed, listed in rota changes and can be undone', async () => {
  const added = await ask(
    personalChat,
    `rota add Ben Okafor secondary ${ukDay(2)} 09:00 to ${ukDay(3)} 09:00`,
    'added to the secondary rota',
  );
  expect(cardText(added.cards)).toContain(
    'Ben Okafor is on call in the secondary layer as well as whoever the rotation says',
  );

  const list = await ask(personalChat, 'rota changes', 'Cover and leave');
  expect(cardText(list.cards)).toContain('Ben Okafor added to secondary');
  const undo = JSON.stringify(list.cards[0]).match(/"kind":"override","id":"([^"]+)"/);
  expect(undo).not.toBeNull();
  const done = await stack.execute(
    personalChat,
    users.asha.id,
    'rota.change.undo',
    { kind: 'override', id: undo![1] },
    list.messageId,
  );
  expect(cardText(done.value)).toContain('Change taken back');
  const after = await ask(personalChat, 'rota changes', 'Cover and leave');
  expect(cardText(after.cards)).not.toContain('Ben Okafor added to secondary');
}, 60_000);

test('when a lead takes someone off call on the form, then it is saved; a member forging the same form changes nothing', async () => {
  const form = await ask(channel, 'rota remove', 'Take someone off call');
  const forged = await stack.execute(
    form.conversationId,
    users.chloe.id,
    'rota.remove',
    {
      memberId: users.asha.aadObjectId,
      layer: 'both',
      from: `${ukDay(4)} 09:00`,
      to: `${ukDay(4)} 17:00`,
    },
    form.messageId,
  );
  expect(cardText(forged.value)).toContain('Only leads can change the rota.');
  expect(
    cardText((await ask(personalChat, 'rota changes', 'Cover and leave')).cards),
  ).not.toContain('taken off call');

  const bad = await stack.execute(
    form.conversationId,
    users.asha.id,
    'rota.remove',
    { memberId: users.ben.aadObjectId, layer: 'both', from: 'whenever', to: `${ukDay(4)} 17:00` },
    form.messageId,
  );
  expect(cardText(bad.value)).toContain('Take someone off call');
  expect(cardText(bad.value)).toContain('whenever');

  const saved = await stack.execute(
    form.conversationId,
    users.asha.id,
    'rota.remove',
    {
      memberId: users.asha.aadObjectId,
      layer: 'both',
      from: `${ukDay(4)} 09:00`,
      to: `${ukDay(4)} 17:00`,
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Asha Patel taken off call');
  const rota = await ask(personalChat, 'rota changes', 'Cover and leave');
  expect(cardText(rota.cards)).toContain('Asha Patel taken off call');
}, 60_000);
