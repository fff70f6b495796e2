import { sendSignedAlert } from '../helpers/alert-webhook';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

/**
 * Issue 22, items 11, 13 and 15, as a person meets them in the Playground: the personal chat's first
 * opening, an HSA card that says whose acknowledgement is whose, a note that keeps its own full stop, and
 * forms asked for in the channel that open in the person's own chat.
 */
const { channel, personalChat, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-first-use-0123456789';
let stack: E2eStack;

const after =
  (n: number, match: (m: BotMessage) => boolean) =>
  (m: BotMessage): boolean =>
    stack.messages.indexOf(m) >= n && match(m);

beforeAll(async () => {
  stack = await E2eStack.start({ CTAC_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await stack?.stop();
});

test('when the personal chat is first opened, then it gets the help card once', async () => {
  // Opening a chat in the Playground installs the app there: Teams sends installationUpdate and
  // conversationUpdate, and both used to answer with the help card.
  await stack.install(personalChat);
  await stack.waitForMessage(
    (m) => m.conversationId === personalChat && cardText(m.cards).includes('CTAC commands'),
  );
  // Opened again (the Playground's page reloaded): still no second help card.
  await stack.install(personalChat);
  // Something said after the installs is answered after them: once it is, every install reply is in.
  await stack.say(personalChat, users.asha.id, 'orgs');
  await stack.waitForMessage(
    (m) => m.conversationId === personalChat && cardText(m.cards).includes('ICS organisations'),
  );
  const helps = stack.messages.filter(
    (m) => m.conversationId === personalChat && cardText(m.cards).includes('CTAC commands'),
  );
  expect(helps).toHaveLength(1);
});

test('when an organisation responds to an HSA, then the card tells the on-call acknowledgement from the organisation’s, and a note keeps one full stop', async () => {
  await stack.install(channel);
  await stack.waitForMessage((m) => cardText(m.cards).includes('CTAC is ready'));
  await stack.say(personalChat, users.asha.id, 'org add');
  const orgForm = await stack.waitForMessage((m) =>
    cardText(m.cards).includes('Add an ICS organisation'),
  );
  await stack.execute(
    personalChat,
    users.asha.id,
    'org.add',
    { name: 'East Sussex Healthcare NHS Trust', code: 'RXC', isOes: 'true' },
    orgForm.messageId,
  );
  await stack.say(personalChat, users.asha.id, 'member add');
  const memberForm = await stack.waitForMessage((m) =>
    cardText(m.cards).includes('Add a member or change their role'),
  );
  await stack.execute(
    personalChat,
    users.asha.id,
    'member.add',
    { aadObjectId: users.ben.aadObjectId, orgCode: 'RXC', role: 'member' },
    memberForm.messageId,
  );

  const res = await sendSignedAlert(stack.app.url, SECRET, {
    source: 'hsa',
    id: 'CC-4800',
    title: 'Actively exploited flaw in Fortinet FortiOS',
    severity: 'high',
  });
  expect(res.status).toBe(201);
  const { id: alertId } = (await res.json()) as { id: string };
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Fortinet FortiOS'),
  );
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;

  const responded = await stack.execute(
    thread,
    users.ben.id,
    'hsa.respond',
    {
      alertId,
      applicability: 'affected',
      remediation: 'in progress',
      responseNote: 'Firewalls patched by 22:00.',
    },
    posted.messageId,
  );
  const text = cardText(responded.value);
  // The alert itself: nobody on call has taken it yet.
  expect(text).toContain('Nobody on call has acknowledged this alert yet.');
  // The organisation's acknowledgement of the HSA, named as such.
  expect(text).toMatch(
    /East Sussex Healthcare NHS Trust \(RXC\)\nHSA acknowledged for RXC by Ben Okafor at \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/,
  );
  expect(text).toContain('latest: Firewalls patched by 22:00.');
  expect(text).not.toContain('22:00..');
});

test('when someone asks for a form in the channel, then it opens in their chat with CTAC and the thread says so', async () => {
  // Ben has never chatted with CTAC: there is nowhere private to send it yet, so he is told where to go.
  let n = stack.messages.length;
  await stack.say(channel, users.ben.id, 'risk', { mention: true });
  const nowhere = await stack.waitForMessage(
    after(
      n,
      (m) => m.conversationId.startsWith(channel) && /chat with CTAC/.test(cardText(m.cards)),
    ),
  );
  expect(cardText(nowhere.cards)).toContain('Open your chat with CTAC');
  expect(JSON.stringify(nowhere.cards)).not.toContain('Input.');

  // Asha has chatted with CTAC: the form goes to her chat and the thread gets a short public reply.
  n = stack.messages.length;
  await stack.say(channel, users.asha.id, 'risk', { mention: true });
  const pointer = await stack.waitForMessage(
    after(n, (m) => m.conversationId.startsWith(channel) && /our chat/.test(cardText(m.cards))),
  );
  expect(cardText(pointer.cards)).toContain("I've sent you the form in our chat");
  const form = await stack.waitForMessage(
    after(
      n,
      (m) => m.conversationId === personalChat && JSON.stringify(m.cards).includes('"id":"title"'),
    ),
  );
  expect(JSON.stringify(form.cards)).toContain('Input.Text');
  // Nothing with a form went to the channel. The earlier alert's card, updated there as its page
  // goes out (at once now), carries its own inputs: it is not a form.
  expect(
    stack.messages
      .slice(n)
      .filter(
        (m) =>
          m.conversationId.startsWith(channel) &&
          JSON.stringify(m.cards).includes('Input.') &&
          !JSON.stringify(m.cards).includes('"verb":"alert.'),
      ),
  ).toEqual([]);

  // The same for an incident: the form is in his chat, prefilled with what he typed.
  n = stack.messages.length;
  await stack.say(channel, users.asha.id, 'incident Phishing wave against the trust', {
    mention: true,
  });
  await stack.waitForMessage(
    after(n, (m) => m.conversationId.startsWith(channel) && /our chat/.test(cardText(m.cards))),
  );
  const incident = await stack.waitForMessage(
    after(
      n,
      (m) => m.conversationId === personalChat && cardText(m.cards).startsWith('Raise an incident'),
    ),
  );
  expect(JSON.stringify(incident.cards)).toContain('Phishing wave against the trust');
});
