import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

async function command(fromId: string, text: string, expectText: string) {
  const before = stack.messages.length;
  await stack.say(personalChat, fromId, text);
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

/** A token for the tab's API from the app's development issuer, as the tab in Teams would have. */
async function tabToken(who: { aadObjectId: string; name: string }): Promise<string> {
  const res = await fetch(`${stack.app.url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ oid: who.aadObjectId, name: who.name }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function tab(token: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.app.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

/** The verbs of the buttons on a card: a decided escalation card has no live decide buttons. */
const verbsOn = (card: unknown): string[] =>
  [...JSON.stringify(card).matchAll(/"verb":"([a-z.]+)"/g)].map((m) => m[1]!);

beforeAll(async () => {
  stack = await startInstalled({ CTAC_DEV_HOST: 'true' });
  await addOrganisation(stack, TRUST);
  const res = await addMember(stack, users.ben, 'RXC', 'lead');
  expect(cardText(res.value)).toContain('is now a lead for RXC');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Asha raises a risk above appetite from her 1:1 chat; answers its id, her copy and the channel card. */
async function raiseEscalatedRisk(title: string) {
  const form = await command(users.asha.id, 'risk', 'Raise a risk');
  const raised = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.raise',
    {
      title,
      description: 'Out of support; a ransomware foothold would stop imaging.',
      orgCode: 'RXC',
      cafPrinciple: 'B4',
      likelihood: '4',
      consequence: '5',
      owner: 'Head of IT',
      reviewDate: '2027-03-31',
    },
    form.messageId,
  );
  expect(cardText(raised.value)).toContain('above appetite');
  const riskId = /Reference\n(R-[0-9A-F]{8})/.exec(cardText(raised.value))?.[1];
  expect(riskId).toBeDefined();
  const escalation = await stack.waitForMessage(
    (m) =>
      m.conversationId.startsWith(channel) &&
      m.action === 'createMessage' &&
      cardText(m.cards).includes(title),
  );
  expect(verbsOn(escalation.cards)).toContain('risk.decide');
  return { riskId: riskId!, raiserCopy: form, escalation };
}

const inThreadOf = (post: BotMessage) => (m: BotMessage) =>
  m.conversationId.startsWith(channel) &&
  m.conversationId.includes(post.messageId) &&
  m.messageId !== post.messageId;

test('when a lead decides in the tab, then the channel card, its thread and the raiser\u2019s copy all show the decision, and the same request again records nothing new', async () => {
  const { riskId, raiserCopy, escalation } = await raiseEscalatedRisk('Unsupported PACS server');
  const token = await tabToken(users.ben);
  const body = { choice: 'treat', rationale: 'Replace the server by March.' };

  const first = await tab(token, `/api/tab/escalations/${riskId}/decision`, body);
  expect(first.status).toBe(201);
  expect(first.json).toMatchObject({ riskId, status: 'treating' });
  const decisionId = first.json.decisionId as string;
  expect(decisionId).toMatch(/^D-[0-9A-F]{8}$/);

  // The channel card changes in place for everyone: the decision shown, no live buttons.
  const updated = await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === escalation.messageId &&
      cardText(m.cards).includes('Treat: decided by Ben Okafor'),
  );
  expect(cardText(updated.cards)).toContain('Replace the server by March.');
  expect(verbsOn(updated.cards)).not.toContain('risk.decide');
  // A confirmation in its thread, as when the card's own buttons are pressed.
  const confirmation = await stack.waitForMessage(
    (m) =>
      inThreadOf(escalation)(m) &&
      cardText(m.cards).includes(`Decision ${decisionId} logged`) &&
      cardText(m.cards).includes('Treat the risk: Unsupported PACS server'),
  );
  expect(confirmation.action).toBe('createMessage');
  // Asha's own copy of the risk card, in her chat, shows it too.
  const copy = await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.conversationId === personalChat &&
      m.messageId === raiserCopy.messageId &&
      cardText(m.cards).includes(`Decision ${decisionId}`),
  );
  expect(cardText(copy.cards)).toContain('Being treated');

  // The same request again (a second press, a retry): the first decision, nothing new logged or posted.
  const postsBefore = stack.messages.length;
  const again = await tab(token, `/api/tab/escalations/${riskId}/decision`, body);
  expect(again.status).toBe(200);
  expect(again.json).toMatchObject({ riskId, status: 'treating', decisionId });
  const log = await tab(token, `/api/tab/decisions?q=${encodeURIComponent(riskId)}`);
  expect(log.status).toBe(200);
  expect(
    (log.json.decisions as { id: string; text: string }[]).filter((d) =>
      d.text.includes('Unsupported PACS server'),
    ),
  ).toHaveLength(1);
  expect(stack.messages.slice(postsBefore).filter(inThreadOf(escalation))).toHaveLength(0);

  // A different decision after it is still refused: the risk is already decided.
  const other = await tab(token, `/api/tab/escalations/${riskId}/decision`, {
    choice: 'accept',
    rationale: 'Replace the server by March.',
  });
  expect(other.status).toBe(409);
});

test('when a lead decides on the card, then the raiser\u2019s copy shows it too, and the words agree in the card, the tab and the CSV', async () => {
  const { riskId, raiserCopy, escalation } = await raiseEscalatedRisk('Legacy VPN appliance');
  const thread = escalation.conversationId.includes(';')
    ? escalation.conversationId
    : `${escalation.conversationId};messageid=${escalation.messageId}`;
  const decided = await stack.execute(
    thread,
    users.ben.id,
    'risk.decide',
    { riskId, choice: 'tolerate', rationale: 'Replacement is funded for April.' },
    escalation.messageId,
  );
  expect(cardText(decided.value)).toContain('Tolerate: decided by Ben Okafor');
  expect(cardText(decided.value)).toContain('Tolerated');
  expect(cardText(decided.value)).not.toContain('Accepted');
  const confirmation = await stack.waitForMessage(
    (m) => inThreadOf(escalation)(m) && cardText(m.cards).includes('Tolerate the risk: Legacy VPN'),
  );
  expect(cardText(confirmation.cards)).toContain('Outcome\nTolerated');
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === raiserCopy.messageId &&
      cardText(m.cards).includes('Status\nTolerated'),
  );

  const token = await tabToken(users.ben);
  const log = await tab(token, `/api/tab/decisions?q=${encodeURIComponent(riskId)}`);
  const row = (log.json.decisions as { text: string; outcome: string }[]).find((d) =>
    d.text.includes('Legacy VPN appliance'),
  );
  expect(row?.outcome).toBe('Tolerated');
  const risks = await tab(token, '/api/tab/risks');
  expect(JSON.stringify(risks.json)).toContain('Tolerated');
  const csv = await fetch(`${stack.app.url}/api/registers/decisions.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const line = (await csv.text()).split('\n').find((l) => l.includes('Legacy VPN appliance'));
  expect(line).toContain('Tolerated');
  expect(line).not.toContain('Approved');
});
