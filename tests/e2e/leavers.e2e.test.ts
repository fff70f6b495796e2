import { DateTime } from 'luxon';
import {
  addTrustWithAshaBenAndChloe,
  setUpDailyPrimaryRotation,
  startInstalled,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

/*
 * Issue 21, leavers, as an admin meets it in the Playground: Ben (primary on alternate days) leaves from
 * tomorrow 09:00; the card lists the gaps it opens before anything changes, and once confirmed the rota
 * shows them, his calendar links are refused and an alert he acknowledged still says he did.
 */

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

beforeAll(async () => {
  stack = await startInstalled();
  await addTrustWithAshaBenAndChloe(stack);
  await setUpDailyPrimaryRotation(stack, [users.asha.aadObjectId, users.ben.aadObjectId]);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Asha types a command and waits for the reply that contains `expectText`. */
async function ask(conversationId: string, text: string, expectText: string): Promise<BotMessage> {
  const before = stack.messages.length;
  await stack.say(conversationId, users.asha.id, text, { mention: conversationId === channel });
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

/** The data of the action with `verb` on a card (the one there is). */
function actionData(answer: unknown, verb: string): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['type'] === 'Action.Execute' && o['verb'] === verb)
        found.push(o['data'] as Record<string, unknown>);
      Object.values(o).forEach(visit);
    }
  };
  visit(answer);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const gapCount = (text: string) => text.split('GAP').length - 1;

test('when an admin removes a primary from tomorrow 09:00, then the card lists the gaps, and once confirmed the rota shows them, his calendar links are refused and his acknowledgement keeps his name', async () => {
  // Ben acknowledges an incident Asha raises, and has calendar links.
  await stack.say(channel, users.asha.id, 'incident Leaver test phishing', { mention: true });
  const form = await stack.waitForMessage(
    (m) => m.conversationId === personalChat && cardText(m.cards).startsWith('Raise an incident'),
  );
  const formId = /"formId":"([^"]+)"/.exec(JSON.stringify(form.cards))![1]!;
  await stack.execute(
    form.conversationId,
    users.asha.id,
    'alert.raise',
    { source: 'incident', formId, title: 'Leaver test phishing', severity: 'low', summary: 'x' },
    form.messageId,
  );
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Leaver test phishing'),
  );
  const { alertId } = actionData(posted.cards, 'alert.acknowledge') as { alertId: string };
  // The card is the first message of its own thread in the channel.
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
  expect(cardText(acked.value)).toContain('Ben Okafor');

  const help = await ask(channel, 'help', 'CTAC commands');
  const asBen = async (verb: string, data: Record<string, unknown>) =>
    cardText(
      (await stack.execute(help.conversationId, users.ben.id, verb, data, help.messageId)).value,
    );
  const links = [
    ...(await asBen('command.run', { command: 'rota calendar' })).matchAll(/http:\/\/\S+\.ics/g),
  ].map((m) => m[0]);
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) expect((await fetch(link)).status).toBe(200);
  const rotaBefore = cardText((await ask(personalChat, 'rota', 'The rota for the next')).cards);

  // The card: who, from when (typed the UK way), and the gaps.
  const tomorrow = DateTime.now().setZone('Europe/London').plus({ days: 1 });
  const from = `${tomorrow.toFormat('dd/MM/yyyy')} 09:00`;
  const card = await ask(personalChat, 'member remove Ben Okafor', 'Remove Ben Okafor from CTAC?');
  const shown = await stack.execute(
    personalChat,
    users.asha.id,
    'member.remove',
    { ...actionData(card.cards, 'member.remove'), from },
    card.messageId,
  );
  const preview = cardText(shown.value);
  expect(preview).toContain(`Off the rota from ${tomorrow.toFormat('d LLL yyyy')}, 09:00`);
  expect(preview).toMatch(/Gaps this opens in the rota over the next 4 weeks \(\d+\):/);
  expect(preview).toContain('Primary: ');
  // Nothing changed yet; a non-admin's confirm is refused.
  const confirm = actionData(shown.value, 'member.remove.confirm');
  expect(await asBen('member.remove.confirm', { ...confirm, from })).toContain(
    'Only admins can remove members.',
  );
  for (const link of links) expect((await fetch(link)).status).toBe(200);

  const removed = await stack.execute(
    personalChat,
    users.asha.id,
    'member.remove.confirm',
    { ...confirm, from },
    card.messageId,
  );
  expect(cardText(removed.value)).toContain('Removed Ben Okafor from CTAC');
  const again = await stack.execute(
    personalChat,
    users.asha.id,
    'member.remove.confirm',
    { ...confirm, from },
    card.messageId,
  );
  expect(cardText(again.value)).toContain('Ben Okafor is already removed');

  const rotaAfter = cardText((await ask(personalChat, 'rota', 'The rota for the next')).cards);
  expect(gapCount(rotaAfter)).toBeGreaterThan(gapCount(rotaBefore));
  for (const link of links) expect((await fetch(link)).status).toBe(404);
  const alert = await stack.execute(
    thread,
    users.asha.id,
    'alert.show',
    { alertId },
    posted.messageId,
  );
  // Its timeline ("What happened") keeps his name.
  expect(cardText(alert.value)).toMatch(
    /What happened\n[^]*, \d{2}:\d{2}: acknowledged by Ben Okafor/,
  );
}, 120_000);

test('when a member who is not an admin presses the edit and remove buttons, then each is refused and nothing changes; an admin edits and removes', async () => {
  const help = await ask(channel, 'help', 'CTAC commands');
  const asChloe = async (verb: string, data: Record<string, unknown>) =>
    cardText(
      (await stack.execute(help.conversationId, users.chloe.id, verb, data, help.messageId)).value,
    );
  expect(
    await asChloe('member.edit', {
      memberId: users.chloe.aadObjectId,
      name: 'Chloë',
      orgCode: 'RXC',
      role: 'admin',
    }),
  ).toContain('Only admins can edit members.');
  expect(await asChloe('org.edit', { code: 'RXC', name: 'Renamed', isOes: 'false' })).toContain(
    'Only admins can edit organisations.',
  );
  expect(await asChloe('org.remove.confirm', { code: 'RXC' })).toContain(
    'Only admins can remove organisations.',
  );
  const members = cardText((await ask(personalChat, 'members', 'CTAC members')).cards);
  expect(members).toMatch(/Chloë[^\n]*\n[^\n]*\nMember/);
  expect(cardText((await ask(personalChat, 'orgs', 'ICS organisations')).cards)).toContain(
    'East Sussex Healthcare NHS Trust',
  );

  // Asha: the Trust cannot go while it has members; she renames it and makes Chloë a lead.
  const blocked = await ask(personalChat, 'org remove RXC', 'cannot be removed yet');
  expect(cardText(blocked.cards)).toMatch(/It has \d members/);
  const orgForm = await ask(personalChat, 'org edit RXC', 'Edit East Sussex Healthcare NHS Trust');
  const renamed = await stack.execute(
    personalChat,
    users.asha.id,
    'org.edit',
    { ...actionData(orgForm.cards, 'org.edit'), name: 'ESHT', isOes: 'true' },
    orgForm.messageId,
  );
  expect(cardText(renamed.value)).toContain('Saved ESHT (RXC)');
  const memberForm = await ask(personalChat, 'member edit Chloë', 'Edit Chlo');
  const edited = await stack.execute(
    personalChat,
    users.asha.id,
    'member.edit',
    {
      ...actionData(memberForm.cards, 'member.edit'),
      name: users.chloe.name,
      upn: '',
      orgCode: 'RXC',
      role: 'lead',
    },
    memberForm.messageId,
  );
  expect(cardText(edited.value)).toContain('Lead of RXC');
  const log = cardText((await ask(personalChat, 'audit', 'Audit log: the latest')).cards);
  expect(log).toContain('Organisation changed: ESHT (RXC)');
  expect(log).toContain('Member changed:');
}, 120_000);
