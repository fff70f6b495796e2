import { DateTime } from 'luxon';
import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { FakeGraph } from '../helpers/fake-graph';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;
let graph: FakeGraph;

beforeAll(async () => {
  // Farid is in the organisation's directory but has never used the bot.
  graph = await FakeGraph.start([
    {
      id: 'f6f6f6f6-0000-4000-8000-000000000006',
      displayName: 'Farid Haddad',
      userPrincipalName: 'farid.haddad@sussexcommunity.example.nhs.uk',
      mail: 'farid.haddad@sussexcommunity.example.nhs.uk',
    },
  ]);
  // Asha installs the app (so she is the first admin) and adds Ben as a member of an organisation.
  stack = await startInstalled({ GRAPH_ENABLED: 'true', GRAPH_BASE_URL: graph.url });
  await addOrganisation(stack, TRUST);
  for (const person of [users.asha, users.ben])
    await addMember(stack, person, 'RXC', person === users.asha ? 'admin' : 'member');
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await graph?.stop();
});

/** Types a command and waits for the reply that contains `expect` (newer than anything before). */
async function ask(
  conversationId: string,
  fromId: string,
  text: string,
  expectText: string,
): Promise<BotMessage> {
  const before = stack.messages.length;
  await stack.say(conversationId, fromId, text, { mention: conversationId === channel });
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

test('when a lead sets up the primary rotation, then oncall and rota answer with the people and the gaps', async () => {
  const form = await ask(personalChat, users.asha.id, 'rota setup', 'Set up the primary rotation');
  const yesterday = DateTime.now().setZone('Europe/London').minus({ days: 1 }).toISODate()!;
  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'rota.setup',
    {
      layer: 'primary',
      name: 'CTAC primary',
      memberIds: `${users.asha.aadObjectId},${users.ben.aadObjectId}`,
      shiftLength: 'daily',
      handoverTime: '09:00',
      startDate: yesterday,
      etagPrimary: '',
      etagSecondary: '',
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Set up the primary rotation "CTAC primary"');
  expect(cardText(saved.value)).toContain('Asha Patel, Ben Okafor take daily shifts');

  const onCall = await ask(personalChat, users.asha.id, 'oncall', 'On call now');
  const text = cardText(onCall.cards);
  expect(text).toMatch(/(Asha Patel|Ben Okafor) \(East Sussex Healthcare NHS Trust\)/);
  expect(text).toMatch(/Until \d{1,2} \w{3} \d{4}, 09:00/);
  expect(text).toContain('Nobody is on call'); // no secondary rotation yet

  const rota = await ask(channel, users.ben.id, 'rota', 'The rota for the next 14 days');
  expect(cardText(rota.cards)).toContain('GAP: nobody on call');
  expect(cardText(rota.cards)).toContain('Ben Okafor (East Sussex Healthcare NHS Trust)');
});

test('when a member offers a shift and the other member accepts on the card, then the rota shows the swap', async () => {
  const asked = stack.messages.length;
  const form = await ask(channel, users.asha.id, 'swap', 'Swap a shift');
  // The form opened in Asha's own chat (issue 22, item 13), which is hers alone in the Playground:
  // the others press from the channel thread, where CTAC said it sent her the form.
  const pointer = await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= asked &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes("I've sent you the form in our chat"),
  );
  const choices = findInput(form.cards[0], 'shift')['choices'] as {
    title: string;
    value: string;
  }[];
  expect(choices.length).toBeGreaterThan(0);
  const shift = choices[0]!;

  const proposed = await stack.execute(
    form.conversationId,
    users.asha.id,
    'rota.swap.propose',
    { shift: shift.value, toMemberId: users.ben.aadObjectId, note: 'Hospital appointment' },
    form.messageId,
  );
  expect(cardText(proposed.value)).toContain('Swap: Asha Patel asks Ben Okafor to take a shift');
  expect(cardText(proposed.value)).toContain('Waiting for an answer.');
  const swapId = (proposed.value!['actions'] as { data: { swapId: string } }[])[0]!.data.swapId;

  // Chloë is not a CTAC member: pressing Accept on the card changes nothing.
  const forged = await stack.execute(
    pointer.conversationId,
    users.chloe.id,
    'rota.swap.accept',
    { swapId },
    pointer.messageId,
  );
  expect(cardText(forged.value)).toContain('Only CTAC members can answer swaps');

  const accepted = await stack.execute(
    pointer.conversationId,
    users.ben.id,
    'rota.swap.accept',
    { swapId },
    pointer.messageId,
  );
  expect(cardText(accepted.value)).toContain('Accepted: the rota has changed.');
  expect(cardText(accepted.value)).toContain('by Ben Okafor');
  // Asha hears in her chat with CTAC, through the send queue.
  const told = await stack.waitForMessage(
    (m) =>
      m.conversationId === personalChat &&
      cardText(m.cards).includes('Ben Okafor answered this swap.'),
  );
  expect(cardText(told.cards)).toContain('Accepted: the rota has changed.');

  const rota = await ask(channel, users.asha.id, 'rota', 'The rota for the next 14 days');
  expect(cardText(rota.cards)).toContain(
    'Ben Okafor (East Sussex Healthcare NHS Trust), covering for Asha Patel',
  );
});

test('when someone types dates the bot cannot read, then it explains what to type', async () => {
  const help = await ask(
    personalChat,
    users.asha.id,
    'leave next blue moon',
    'I could not read those dates',
  );
  expect(cardText(help.cards)).toContain('tomorrow 9am to Fri 17:00');
});

test('when a member marks leave in words, then it is confirmed in UK time', async () => {
  const saved = await ask(
    personalChat,
    users.asha.id,
    'leave 1/12/2030 to 5/12/2030',
    'Leave saved',
  );
  expect(cardText(saved.cards)).toContain('1 Dec 2030, 00:00 to 6 Dec 2030, 00:00');
});

function findInput(card: unknown, id: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    if (n['id'] === id) found = n;
    else Object.values(n).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no input ${id} in the card`);
  return found;
}

test('when a member asks for their calendar links, then the link serves their shifts as an iCalendar feed', async () => {
  const reply = await ask(personalChat, users.asha.id, 'rota calendar', 'Your rota calendar links');
  const links = [...cardText(reply.cards).matchAll(/http:\/\/\S+\.ics/g)].map((m) => m[0]);
  expect(links).toHaveLength(2);
  const res = await fetch(links[0]!);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
  expect(await res.text()).toContain('SUMMARY:CTAC on call (primary): Asha Patel');

  // The links are shown once: asked again, CTAC says she has them and shows none.
  const again = await ask(
    personalChat,
    users.asha.id,
    'rota calendar',
    'You already have your rota calendar links',
  );
  expect(cardText(again.cards)).not.toMatch(/\.ics/);
  expect(cardText(again.cards)).toContain('rota calendar reset');

  // Reset: two new links that work, and the old ones stop at once.
  const reset = await ask(
    personalChat,
    users.asha.id,
    'rota calendar reset',
    'Your new rota calendar links',
  );
  const fresh = [...cardText(reset.cards).matchAll(/http:\/\/\S+\.ics/g)].map((m) => m[0]);
  expect(fresh).toHaveLength(2);
  expect(fresh).not.toContain(links[0]);
  expect(fresh).not.toContain(links[1]);
  for (const old of links) expect((await fetch(old)).status).toBe(404);
  for (const link of fresh) expect((await fetch(link)).status).toBe(200);
  expect(await (await fetch(fresh[1]!)).text()).toContain('BEGIN:VCALENDAR');
});

test('when someone outside CTAC asks for calendar links or a reset, then they get none', async () => {
  // Only the Playground's signed-in user types; others act through card buttons, which carry their id.
  const help = await ask(channel, users.asha.id, 'help', 'CTAC commands');
  for (const command of ['rota calendar', 'rota calendar reset']) {
    const answer = cardText(
      (
        await stack.execute(
          help.conversationId,
          users.chloe.id,
          'command.run',
          { command },
          help.messageId,
        )
      ).value,
    );
    expect(answer).toContain('Only CTAC members can get calendar links');
    expect(answer).not.toMatch(/\.ics/);
  }
});

test('when a member covers someone from the form, then it is confirmed; making someone else cover is refused', async () => {
  // Forms open in the person's own chat (issue 22, item 13). Ben has no chat with CTAC in the
  // Playground (its 1:1 chat is Asha's), so he is pointed there; he sends what the form would.
  const form = await ask(channel, users.ben.id, 'cover', 'Open your chat with CTAC');
  const saved = await stack.execute(
    form.conversationId,
    users.ben.id,
    'rota.cover',
    {
      memberId: users.ben.aadObjectId,
      coveredMemberId: users.asha.aadObjectId,
      from: 'tomorrow 9am',
      to: '17:00',
      note: '',
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Ben Okafor covers Asha Patel');
  expect(cardText(saved.value)).toMatch(
    /From \d{1,2} \w{3} \d{4}, 09:00 to \d{1,2} \w{3} \d{4}, 17:00/,
  );

  const forged = await stack.execute(
    form.conversationId,
    users.ben.id,
    'rota.cover',
    {
      memberId: users.asha.aadObjectId,
      coveredMemberId: users.ben.aadObjectId,
      from: 'tomorrow 9am',
      to: '17:00',
    },
    form.messageId,
  );
  expect(cardText(forged.value)).toContain('only a lead can arrange cover by someone else');
});

test('when a lead adds someone to a rotation by email who has never used the bot, then Graph finds them and they join', async () => {
  const form = await ask(
    personalChat,
    users.asha.id,
    'rota setup secondary',
    'Set up the secondary rotation',
  );
  const fields = {
    layer: 'secondary',
    name: 'CTAC secondary',
    memberIds: '',
    shiftLength: 'weekly',
    handoverTime: '09:00',
    startDate: DateTime.now().setZone('Europe/London').toISODate()!,
    addOrgCode: 'RXC',
    etagPrimary: '',
    etagSecondary: '',
  };
  const unknown = await stack.execute(
    personalChat,
    users.asha.id,
    'rota.setup',
    { ...fields, addPeople: 'no.one@example.nhs.uk' },
    form.messageId,
  );
  expect(cardText(unknown.value)).toContain(
    'Nobody with the email or sign-in name no.one@example.nhs.uk was found in the directory.',
  );
  expect(cardText(unknown.value)).toContain('Set up the secondary rotation');

  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'rota.setup',
    { ...fields, addPeople: 'Farid.Haddad@sussexcommunity.example.nhs.uk' },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Set up the secondary rotation "CTAC secondary"');
  expect(cardText(saved.value)).toContain('Farid Haddad take weekly shifts');
  expect(graph.requests.some((r) => r.authorization === 'Bearer local-development-token')).toBe(
    true,
  );

  const members = await ask(personalChat, users.asha.id, 'members', 'CTAC members');
  expect(cardText(members.cards)).toContain('Farid Haddad');
});

test('when a member marks a day of leave and then undoes it from rota changes, then it is gone', async () => {
  const day = DateTime.now().setZone('Europe/London').plus({ days: 60 });
  const saved = await ask(
    personalChat,
    users.asha.id,
    `leave ${day.toFormat('d/M/yyyy')}`,
    'Leave saved',
  );
  expect(cardText(saved.cards)).toContain(
    `${day.toFormat('d LLL yyyy')}, 00:00 to ${day.plus({ days: 1 }).toFormat('d LLL yyyy')}, 00:00`,
  );
  const list = await ask(personalChat, users.asha.id, 'rota changes', 'Cover and leave');
  expect(cardText(list.cards)).toContain('Asha Patel on leave');
  const undo = JSON.stringify(list.cards[0]).match(/"kind":"leave","id":"([^"]+)"/);
  expect(undo).not.toBeNull();
  const done = await stack.execute(
    personalChat,
    users.asha.id,
    'rota.change.undo',
    { kind: 'leave', id: undo![1] },
    list.messageId,
  );
  expect(cardText(done.value)).toContain('Leave taken back');
});

test('when a member types cover with an @mention and dates in words, then the cover is saved for that person', async () => {
  const before = stack.messages.length;
  const res = await fetch(
    `${stack.playground.url}/_conversation/v1/conversations/${encodeURIComponent(channel)}/messages`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: { id: users.asha.id },
        text: '<at>CTAC</at> cover <at>Ben Okafor</at> tomorrow 9am to 17:00',
        textFormat: 'plain',
        mentions: [
          { mentioned: { id: PLAYGROUND.botId, name: 'CTAC' }, text: '<at>CTAC</at>' },
          { mentioned: { id: users.ben.id, name: users.ben.name }, text: '<at>Ben Okafor</at>' },
        ],
      }),
    },
  );
  expect(res.ok).toBe(true);
  const reply = await stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes('covers'),
  );
  expect(cardText(reply.cards)).toContain('Asha Patel covers Ben Okafor');
  expect(cardText(reply.cards)).toMatch(
    /From \d{1,2} \w{3} \d{4}, 09:00 to \d{1,2} \w{3} \d{4}, 17:00/,
  );
});
