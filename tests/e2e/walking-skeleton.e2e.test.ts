import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

beforeAll(async () => {
  stack = await E2eStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

test('when the app is installed in the team, then the channel gets one welcome card', async () => {
  await stack.install(channel);
  const welcome = await stack.waitForMessage(
    (m) => m.conversationId === channel && cardText(m.cards).includes('CTAC is ready in ICS Cyber'),
  );
  expect(cardText(welcome.cards)).toContain('org add');
  // Installing again (Teams may resend the event) does not post a second welcome.
  await stack.install(channel);
  await stack.say(personalChat, users.asha.id, 'help');
  await stack.waitForMessage(
    (m) => m.conversationId === personalChat && cardText(m.cards).includes('CTAC commands'),
  );
  expect(stack.messages.filter((m) => cardText(m.cards).includes('CTAC is ready')).length).toBe(1);
});

test('when someone @mentions the bot with help in the channel, then it answers the help card there', async () => {
  await stack.say(channel, users.ben.id, 'help', { mention: true });
  const reply = await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
  expect(cardText(reply.cards)).toContain('member add');
});

test('when someone types help in a personal chat, then the bot answers the help card', async () => {
  const before = stack.messages.length;
  await stack.say(personalChat, users.asha.id, 'HELP');
  const reply = await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= before &&
      m.conversationId === personalChat &&
      cardText(m.cards).includes('CTAC commands'),
  );
  expect(cardText(reply.cards)).toContain('orgs');
});

test('when someone mistypes a command, then the bot suggests the closest one', async () => {
  await stack.say(personalChat, users.asha.id, 'memebrs');
  const reply = await stack.waitForMessage((m) =>
    cardText(m.cards).includes('Sorry, I don\'t know "memebrs"'),
  );
  expect(cardText(reply.cards)).toContain('Did you mean **members**?');
});

test('when the installer adds an organisation and a member, then members lists them', async () => {
  // Asha installed the app into the team with no admin yet, so she is the first admin.
  await stack.say(personalChat, users.asha.id, 'org add');
  const form = await stack.waitForMessage((m) =>
    cardText(m.cards).includes('Add an ICS organisation'),
  );
  const added = await stack.execute(
    personalChat,
    users.asha.id,
    'org.add',
    { name: 'East Sussex Healthcare NHS Trust', code: 'rxc', isOes: 'true' },
    form.messageId,
  );
  expect(added.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(cardText(added.value)).toContain('Added East Sussex Healthcare NHS Trust (RXC)');

  await stack.say(personalChat, users.asha.id, 'member add');
  const memberForm = await stack.waitForMessage((m) =>
    cardText(m.cards).includes('Add a member or change their role'),
  );
  expect(cardText(memberForm.cards)).toContain('Ben Okafor (ben.okafor@esht.example.nhs.uk)');
  const member = await stack.execute(
    personalChat,
    users.asha.id,
    'member.add',
    { aadObjectId: users.ben.aadObjectId, orgCode: 'RXC', role: 'lead' },
    memberForm.messageId,
  );
  expect(cardText(member.value)).toContain('Ben Okafor is now a lead for RXC');

  await stack.say(personalChat, users.asha.id, 'members');
  const list = await stack.waitForMessage((m) => cardText(m.cards).includes('CTAC members (2)'));
  expect(cardText(list.cards)).toMatch(
    /Ben Okafor[\s\S]*East Sussex Healthcare NHS Trust[\s\S]*Lead/,
  );
});

test('when an admin asks for the organisation form in the channel, then it opens in their own chat, and nobody else can submit it', async () => {
  const n = stack.messages.length;
  await stack.say(channel, users.asha.id, 'org add', { mention: true });
  // Forms open privately (issue 22, item 13): the thread gets a pointer, the form goes to Asha's chat.
  const pointer = await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= n &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes("I've sent you the form in our chat"),
  );
  await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= n &&
      m.conversationId === personalChat &&
      cardText(m.cards).includes('Add an ICS organisation'),
  );
  // Chloë is in the team but not a CTAC member; she sends what the form would, from the channel.
  const res = await stack.execute(
    pointer.conversationId,
    users.chloe.id,
    'org.add',
    { name: 'Forged Org', code: 'FAKE' },
    pointer.messageId,
  );
  expect(cardText(res.value)).toContain('Only CTAC members can add organisations');
  await stack.say(personalChat, users.asha.id, 'orgs');
  const list = await stack.waitForMessage((m) => cardText(m.cards).includes('ICS organisations'));
  expect(cardText(list.cards)).not.toContain('FAKE');
});

test('when an admin says "channel here" in a channel, then that channel is the ICS cyber channel', async () => {
  const after = (n: number) => (m: { cards: unknown[] }) => stack.messages.indexOf(m as never) >= n;
  let n = stack.messages.length;
  await stack.say(channel, users.asha.id, 'channel', { mention: true });
  const before = await stack.waitForMessage(
    (m) =>
      after(n)(m) &&
      /^(This is the ICS cyber channel|The ICS cyber channel is set)/m.test(cardText(m.cards)),
  );
  expect(before.conversationId.startsWith(channel)).toBe(true);
  n = stack.messages.length;
  await stack.say(channel, users.asha.id, 'channel here', { mention: true });
  await stack.waitForMessage(
    (m) => after(n)(m) && cardText(m.cards).includes('This is now the ICS cyber channel'),
  );
  n = stack.messages.length;
  await stack.say(channel, users.asha.id, 'channel', { mention: true });
  await stack.waitForMessage(
    (m) => after(n)(m) && /^This is the ICS cyber channel/m.test(cardText(m.cards)),
  );
});

test('when "channel here" is said in a personal chat, then nothing changes and the card says where to say it', async () => {
  await stack.say(personalChat, users.asha.id, 'channel here');
  await stack.waitForMessage((m) => cardText(m.cards).includes('Say this in the channel you want'));
});
