import {
  addMember,
  addOrganisation,
  COUNTY_COUNCIL,
  startInstalled,
  TRUST,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';
import { sendSignedAlert } from '../helpers/alert-webhook';

/*
 * A lead asks the organisations to respond to an NHS alert below High (issue 20), in the Playground: a
 * Medium alert is posted for information with no responses; a member pressing "Ask organisations to
 * respond" is refused with a short notice and nothing changes; a lead's ask makes the card offer
 * responses; a member's response is then recorded, with no deadline.
 */
const { channel, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-0123456789abcdef';
const TITLE = 'Medium vulnerability in an email gateway';
let stack: E2eStack;

beforeAll(async () => {
  // Asha installs the app in the team (so she is its first admin); Ben is a member for the Trust and
  // Chloë a lead for the County Council.
  stack = await startInstalled({ CTAC_WEBHOOK_SECRET: SECRET });
  await addOrganisation(stack, TRUST);
  await addOrganisation(stack, COUNTY_COUNCIL);
  await addMember(stack, users.ben, TRUST.code, 'member');
  await addMember(stack, users.chloe, COUNTY_COUNCIL.code, 'lead');
});
afterAll(async () => {
  await stack?.stop();
});

const UK_TIME = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/;
const updatesOf = (messageId: string | undefined): BotMessage[] =>
  stack.messages.filter((m) => m.action === 'updateMessage' && m.messageId === messageId);

test('when a lead asks about a Medium NHS alert, then the card offers responses and a member’s is recorded with no deadline; a member cannot ask', async () => {
  // Alerts go to the channel the bot last heard from: someone mentions it in the ICS cyber channel.
  await stack.say(channel, users.asha.id, 'help', { mention: true });
  await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
  const res = await sendSignedAlert(stack.app.url, SECRET, {
    source: 'hsa',
    id: 'CC-5123',
    title: TITLE,
    severity: 'medium',
    summary: 'Published by NHS England for information.',
    publishedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
  });
  expect(res.status).toBe(201);
  const { id: alertId } = (await res.json()) as { id: string };

  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes(TITLE),
  );
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;
  // Posted for information: no responses, no response form, only the lead's ask.
  const postedText = cardText(posted.cards);
  expect(postedText).toContain('Posted for information');
  expect(postedText).not.toContain("Each organisation's response to the HSA");
  expect(JSON.stringify(posted.cards)).not.toContain('"verb":"hsa.respond"');
  expect(JSON.stringify(posted.cards)).toContain('"verb":"hsa.ask"');

  // Ben is a member, not a lead: a short notice with nothing of the alert, and nothing changes.
  const refused = await stack.execute(
    thread,
    users.ben.id,
    'hsa.ask',
    { alertId },
    posted.messageId,
  );
  expect(cardText(refused.value)).toContain('Only leads can ask organisations to respond');
  expect(cardText(refused.value)).not.toContain(TITLE);
  // His response is refused too, as the alert is still for information only.
  const early = await stack.execute(
    thread,
    users.ben.id,
    'hsa.respond',
    { alertId, applicability: 'affected', remediation: 'patched', responseNote: '' },
    posted.messageId,
  );
  expect(cardText(early.value)).toContain('NHS England published this alert for information');
  expect(
    updatesOf(posted.messageId)
      .map((m) => cardText(m.cards))
      .join('\n'),
  ).not.toContain("Each organisation's response to the HSA");

  // Chloë is a lead: her ask makes the card offer responses, for her and for everyone in the channel.
  const asked = await stack.execute(
    thread,
    users.chloe.id,
    'hsa.ask',
    { alertId },
    posted.messageId,
  );
  const askedText = cardText(asked.value);
  expect(askedText).toContain('Each organisation can now record its response on the card.');
  expect(askedText).toContain("Each organisation's response to the HSA");
  expect(askedText).toContain(
    'HSA not yet acknowledged for RXC; not known if affected; remediation not started.',
  );
  expect(askedText).toContain(
    'HSA not yet acknowledged for ESCC; not known if affected; remediation not started.',
  );
  expect(askedText).not.toMatch(/due by|next update by|patch by|OVERDUE/);
  expect(JSON.stringify(asked.value)).toContain('"verb":"hsa.respond"');
  expect(JSON.stringify(asked.value)).not.toContain('"verb":"hsa.ask"');
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      JSON.stringify(m.cards).includes('"verb":"hsa.respond"'),
  );

  // Ben's response is recorded for the Trust, with no deadline now or later.
  const responded = await stack.execute(
    thread,
    users.ben.id,
    'hsa.respond',
    { alertId, applicability: 'affected', remediation: 'in progress', responseNote: '' },
    posted.messageId,
  );
  const respondedText = cardText(responded.value);
  expect(respondedText).toContain("Your organisation's response is recorded.");
  expect(respondedText).toMatch(
    new RegExp(
      `HSA acknowledged for RXC by Ben Okafor at ${UK_TIME.source}; affected; remediation in progress\\.`,
    ),
  );
  expect(respondedText).not.toMatch(/due by|next update by|patch by|OVERDUE/);
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      cardText(m.cards).includes('remediation in progress'),
  );

  // Asking again changes nothing and says so.
  const again = await stack.execute(
    thread,
    users.chloe.id,
    'hsa.ask',
    { alertId },
    posted.messageId,
  );
  expect(cardText(again.value)).toContain('The organisations have been asked already.');
});
