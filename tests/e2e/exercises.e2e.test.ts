import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Issue 21: exercise mode in the Playground. Asha (the first admin, so a lead) starts an exercise with Ben as
 * its one participant and pages to him only, injects a critical alert; the card in the channel says EXERCISE;
 * Ben acknowledges and resolves it, and saves the review its thread asks for; Asha ends the exercise, the
 * report shows Ben's time to acknowledge, and the exercise's review card goes to the channel.
 */
const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

beforeAll(async () => {
  stack = await startInstalled({});
  await addOrganisation(stack, TRUST);
  await addMember(stack, users.ben, 'RXC', 'member');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a lead runs an exercise with one participant, then its alert says EXERCISE and the report shows the time to acknowledge', async () => {
  // Alerts go to the channel the bot last heard from.
  await stack.say(channel, users.asha.id, 'help', { mention: true });
  await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
  const form = await stack.ask(
    personalChat,
    users.asha.id,
    'exercise start Winter drill',
    'Start an EXERCISE',
  );
  expect(cardText(form.cards)).toContain('Ben Okafor');
  const started = await stack.execute(
    personalChat,
    users.asha.id,
    'exercise.start',
    {
      name: 'Winter drill',
      participants: users.ben.aadObjectId,
      participantsOnly: 'true',
      scenario: '',
    },
    form.messageId,
  );
  expect(cardText(started.value)).toContain('EXERCISE started: Winter drill');

  await stack.ask(
    personalChat,
    users.asha.id,
    'exercise inject 0 | critical | Ransomware on the file servers',
    'alerts added to Winter drill',
  );
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('EXERCISE: Ransomware on the file servers'),
  );
  expect(cardText(posted.cards)).toContain('Winter drill: not a real alert');
  const alertId = /"alertId":"([A-Za-z0-9]+)"/.exec(JSON.stringify(posted.cards))![1]!;
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;
  const acked = await stack.execute(
    thread,
    users.ben.id,
    'alert.acknowledge',
    { alertId },
    posted.messageId,
  );
  expect(cardText(acked.value)).toContain('Acknowledged by Ben Okafor');

  // Resolving a critical alert asks for a review in its thread; Ben saves one with an action for himself.
  await stack.execute(
    thread,
    users.ben.id,
    'alert.resolve',
    { alertId, resolveNote: 'Restored from backup.' },
    posted.messageId,
  );
  const reviewCard = await stack.waitForMessage(
    (m) =>
      m.conversationId === thread &&
      cardText(m.cards).includes('Post-incident review: EXERCISE: Ransomware'),
  );
  const saved = await stack.execute(
    thread,
    users.ben.id,
    'review.save',
    {
      kind: 'alert',
      id: alertId,
      whatHappened: 'Drill ransomware',
      wentWell: 'Backups restored fast',
      toImprove: 'Call the supplier sooner',
      actions: 'Test restores monthly | Ben Okafor | 31/12/2099',
    },
    reviewCard.messageId,
  );
  expect(cardText(saved.value)).toContain('Review saved');
  expect(cardText(saved.value)).toContain('Test restores monthly: Ben Okafor, due 31/12/2099');

  const report = await stack.ask(
    personalChat,
    users.asha.id,
    'exercise end Went to plan',
    'EXERCISE report: Winter drill',
  );
  const text = cardText(report.cards);
  expect(text).toMatch(/Time to acknowledge: \d+ (s|min \d+ s) \(Ben Okafor\)/);
  expect(text).toContain('Responders: Ben Okafor');
  expect(text).toContain('Outcome: Went to plan');
  await stack.waitForMessage(
    (m) =>
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('EXERCISE review: Winter drill'),
  );
});
