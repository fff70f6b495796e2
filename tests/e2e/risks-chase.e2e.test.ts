import { TableRiskCardPlaces } from '../../src/store/risk-card-repository';
import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/**
 * Issue 16: leads are chased for risk escalations. Asha (the admin who installed CTAC, so a lead too) and
 * Ben (a lead) are named on the escalation card in the channel, Asha @mentioned, and each gets the card
 * in their own chat; when Ben asks for more information on the card, Asha, who raised the risk, is told
 * in her chat. Asha's chat with CTAC is the Playground's 1:1 chat.
 */
const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

beforeAll(async () => {
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
  const res = await addMember(stack, users.ben, 'RXC', 'lead');
  expect(cardText(res.value)).toContain('is now a lead for RXC');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Asha raises a risk above appetite from her 1:1 chat; answers its id and the channel card. */
async function raiseEscalatedRisk(title: string) {
  const before = stack.messages.length;
  await stack.say(personalChat, users.asha.id, 'risk');
  const form = await stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes('Raise a risk'),
  );
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
  return { riskId: riskId!, escalation };
}

test('when a risk is escalated, then the channel card names the leads with Asha @mentioned, and each lead gets the card in their chat', async () => {
  const { riskId, escalation } = await raiseEscalatedRisk('Unsupported PACS server');
  const card = escalation.cards[0]!;
  const text = cardText(card);
  expect(text).toContain('For a decision by the leads:');
  expect(text).toContain('Ben Okafor');
  expect(text).toContain('<at>Asha Patel</at>');
  // Teams turns the <at> text into a mention only with a matching entity in the card's msteams.entities.
  const entities = (card['msteams'] as { entities?: unknown[] } | undefined)?.entities ?? [];
  expect(entities).toContainEqual({
    type: 'mention',
    text: '<at>Asha Patel</at>',
    mentioned: { id: users.asha.id, name: 'Asha Patel' },
  });
  for (const e of entities as { text: string }[]) expect(text).toContain(e.text);

  // Asha's copy arrives in her chat, with the buttons to decide there (the Playground shows the
  // message's text and its card one after the other).
  const line = await stack.waitForMessage(
    (m) =>
      m.conversationId === personalChat &&
      m.action === 'createMessage' &&
      (m.text ?? '').includes(`is asked to decide on risk ${riskId}`),
  );
  const copy = await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) > stack.messages.indexOf(line) &&
      m.conversationId === personalChat &&
      cardText(m.cards).includes('Unsupported PACS server'),
  );
  expect(JSON.stringify(copy.cards)).toContain('"verb":"risk.decide"');
  // Ben's copy was sent to his chat too: it is on record as his card of the risk.
  const places = await new TableRiskCardPlaces(stack.app.store).list(riskId);
  expect(places.map((p) => p.kind)).toEqual(
    expect.arrayContaining([
      'escalation',
      `lead:${users.asha.aadObjectId}`,
      `lead:${users.ben.aadObjectId}`,
    ]),
  );
});

test('when a lead asks for more information on the card, then the person who raised the risk is told in their chat', async () => {
  const { riskId, escalation } = await raiseEscalatedRisk('Shared admin passwords');
  const thread = escalation.conversationId.includes(';')
    ? escalation.conversationId
    : `${escalation.conversationId};messageid=${escalation.messageId}`;
  const asked = await stack.execute(
    thread,
    users.ben.id,
    'risk.decide',
    {
      riskId,
      choice: 'request-info',
      rationale: 'Which systems share the password, and who knows it?',
    },
    escalation.messageId,
  );
  expect(cardText(asked.value)).toContain('Which systems share the password');

  const told = await stack.waitForMessage(
    (m) =>
      m.conversationId === personalChat &&
      (m.text ?? '').includes('Ben Okafor of the ICS cyber group asks for more information'),
  );
  expect(told.text).toContain(riskId);
  expect(told.text).toContain('Which systems share the password, and who knows it?');
  expect(told.text).toContain('reply in the thread of the escalation card');
});
