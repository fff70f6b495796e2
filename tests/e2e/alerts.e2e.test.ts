import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';
import { sendSignedAlert } from '../helpers/alert-webhook';

const { channel, personalChat, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-0123456789abcdef';
let stack: E2eStack;

beforeAll(async () => {
  // Asha installs the app in the team (so she is its first admin) and adds Ben as a member.
  stack = await startInstalled({ CTAC_WEBHOOK_SECRET: SECRET });
  await addOrganisation(stack, TRUST);
  await addMember(stack, users.ben, 'RXC', 'member');
});
afterAll(async () => {
  await stack?.stop();
});

const sendAlert = (body: Record<string, unknown>) => sendSignedAlert(stack.app.url, SECRET, body);

const UK_TIME = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/;

test('when an alert arrives, then its card is a new thread in the channel; one acknowledgement updates it for everyone and a second is told who was first', async () => {
  // Alerts go to the channel the bot last heard from: someone mentions it in the ICS cyber channel.
  await stack.say(channel, users.asha.id, 'help', { mention: true });
  await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
  const res = await sendAlert({
    source: 'hsa',
    id: 'CC-4719',
    title: 'Critical vulnerability in Citrix NetScaler ADC',
    severity: 'critical',
    summary: 'Remote code execution, exploited in the wild.',
    url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
    cves: ['CVE-2026-1234'],
  });
  expect(res.status).toBe(201);
  const { id: alertId } = (await res.json()) as { id: string };

  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Critical vulnerability in Citrix NetScaler ADC'),
  );
  // The card is the first message of its own thread in the channel.
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;
  expect(posted.conversationId.startsWith(channel)).toBe(true);
  const postedText = cardText(posted.cards);
  expect(postedText).toContain('HIGH · HSA CC-4719');
  expect(postedText).toContain('Nobody on call has acknowledged this alert yet.');
  expect(JSON.stringify(posted.cards)).toContain('"verb":"alert.acknowledge"');

  // Chloë is in the team but not a CTAC member: her press changes nothing and shows her nothing of the alert.
  const forged = await stack.execute(
    thread,
    users.chloe.id,
    'alert.acknowledge',
    { alertId },
    posted.messageId,
  );
  expect(cardText(forged.value)).toContain('Only CTAC members can acknowledge alerts');
  expect(cardText(forged.value)).not.toContain('Citrix NetScaler');

  const acked = await stack.execute(
    thread,
    users.ben.id,
    'alert.acknowledge',
    { alertId },
    posted.messageId,
  );
  expect(acked.type).toBe('application/vnd.microsoft.card.adaptive');
  const ackedText = cardText(acked.value);
  expect(ackedText).toMatch(new RegExp(`Acknowledged by Ben Okafor at ${UK_TIME.source}`));
  expect(JSON.stringify(acked.value)).not.toContain('"verb":"alert.acknowledge"');

  // Everyone else sees the same message updated in place.
  const updated: BotMessage = await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      cardText(m.cards).includes('Acknowledged by Ben Okafor'),
  );
  expect(cardText(updated.cards)).toMatch(UK_TIME);

  // Asha pressed on her stale copy of the card: nothing changes and she is told who was first.
  const late = await stack.execute(
    thread,
    users.asha.id,
    'alert.acknowledge',
    { alertId },
    posted.messageId,
  );
  expect(cardText(late.value)).toMatch(
    new RegExp(`Already acknowledged by Ben Okafor at ${UK_TIME.source}`),
  );

  // Ben responds for his organisation on the HSA card: the card lists it for everyone.
  expect(cardText(posted.cards)).toContain('East Sussex Healthcare NHS Trust (RXC)');
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
    /East Sussex Healthcare NHS Trust \(RXC\)\nHSA acknowledged for RXC by Ben Okafor at .*; affected; remediation in progress/,
  );
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      cardText(m.cards).includes('remediation in progress'),
  );

  await stack.say(personalChat, users.asha.id, 'alerts');
  const list = await stack.waitForMessage((m) => cardText(m.cards).includes('Open alerts (1)'));
  expect(cardText(list.cards)).toContain('Acknowledged by Ben Okafor');
});

test('when a member raises an incident from the chat, then its card goes to the channel', async () => {
  // The form opens in the person's own chat (issue 22, item 13); in the Playground that is Asha's.
  await stack.say(channel, users.asha.id, 'incident Phishing wave against the trust', {
    mention: true,
  });
  const form = await stack.waitForMessage(
    (m) => m.conversationId === personalChat && cardText(m.cards).startsWith('Raise an incident'),
  );
  const formData = JSON.stringify(form.cards);
  const formId = /"formId":"([^"]+)"/.exec(formData)![1]!;
  const raised = await stack.execute(
    form.conversationId,
    users.asha.id,
    'alert.raise',
    {
      source: 'incident',
      formId,
      title: 'Phishing wave against the trust',
      severity: 'medium',
      summary: 'Credential harvesting emails from a spoofed supplier.',
    },
    form.messageId,
  );
  expect(cardText(raised.value)).toContain('Raised: Phishing wave against the trust');
  const card = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('MEDIUM · Incident'),
  );
  expect(cardText(card.cards)).toContain('Phishing wave against the trust');
  expect(cardText(card.cards)).toContain('Credential harvesting emails from a spoofed supplier.');
});

test('when card data is forged or stale, then nothing changes and the person is told why', async () => {
  const res = await sendAlert({
    source: 'incident',
    id: 'MSP-2001',
    title: 'Suspicious sign-ins to the VPN',
    severity: 'high',
  });
  expect(res.status).toBe(201);
  const { id: alertId } = (await res.json()) as { id: string };
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Suspicious sign-ins'),
  );
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;
  const press = (verb: string, data: Record<string, unknown>, who: string = users.ben.id) =>
    stack.execute(thread, who, verb, data, posted.messageId);

  const unknown = await press('alert.acknowledge', { alertId: 'ANOSUCH1' });
  expect(cardText(unknown.value)).toContain('There is no alert ANOSUCH1');

  const badSnooze = await press('alert.snooze', { alertId, snoozeFor: '999999' });
  expect(cardText(badSnooze.value)).toContain('Choose how long to snooze from the list');

  const noNote = await press('alert.resolve', { alertId, resolveNote: '   ' });
  expect(cardText(noNote.value)).toContain('Please say how the alert was resolved.');

  const resolved = await press('alert.resolve', { alertId, resolveNote: 'Accounts reset.' });
  expect(cardText(resolved.value)).toMatch(/Resolved by Ben Okafor at .*: Accounts reset\./);

  // An old copy of the card still shows Acknowledge: pressing it now changes nothing.
  const stale = await press('alert.acknowledge', { alertId }, users.asha.id);
  expect(cardText(stale.value)).toMatch(/Already resolved by Ben Okafor at /);
  const snoozeResolved = await press('alert.snooze', { alertId, snoozeFor: '60' }, users.asha.id);
  expect(cardText(snoozeResolved.value)).toMatch(/Already resolved by Ben Okafor at /);

  await stack.say(personalChat, users.asha.id, `ack ${alertId}`);
  const typed = await stack.waitForMessage(
    (m) =>
      m.conversationId === personalChat && cardText(m.cards).includes('Already resolved by Ben'),
  );
  expect(cardText(typed.cards)).toContain('Suspicious sign-ins to the VPN');
});

test('when two members acknowledge at the same moment, then one acknowledgement is recorded and the other is told who was first', async () => {
  const res = await sendAlert({
    source: 'incident',
    id: 'CSOC-3001',
    title: 'Malware beaconing from a ward PC',
    severity: 'critical',
  });
  const { id: alertId } = (await res.json()) as { id: string };
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Malware beaconing'),
  );
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;
  const answers = await Promise.all(
    [users.asha.id, users.ben.id].map((who) =>
      stack.execute(thread, who, 'alert.acknowledge', { alertId }, posted.messageId),
    ),
  );
  const texts = answers.map((a) => cardText(a.value));
  const winners = texts.filter((t) => !t.includes('Already acknowledged'));
  const losers = texts.filter((t) => t.includes('Already acknowledged'));
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(1);
  const winner = /Acknowledged by (Asha Patel|Ben Okafor) at/.exec(winners[0]!)![1]!;
  expect(losers[0]).toMatch(new RegExp(`Already acknowledged by ${winner} at ${UK_TIME.source}`));
});

test('when a member asks for an HSA, then a known one shows its card and an unknown one offers the form to post it', async () => {
  await stack.say(personalChat, users.asha.id, 'hsa cc-4719');
  const known = await stack.waitForMessage(
    (m) =>
      m.conversationId === personalChat &&
      cardText(m.cards).includes('HIGH · HSA CC-4719') &&
      cardText(m.cards).includes("Each organisation's response to the HSA"),
  );
  expect(cardText(known.cards)).toContain('Critical vulnerability in Citrix NetScaler ADC');

  await stack.say(personalChat, users.asha.id, 'hsa CC-9999');
  const form = await stack.waitForMessage((m) => cardText(m.cards).startsWith('Post HSA CC-9999'));
  expect(JSON.stringify(form.cards)).toContain('"source":"hsa:CC-9999"');
});
