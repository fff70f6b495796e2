import { sendSignedAlert } from '../helpers/alert-webhook';
import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Issue 21: procedures as runbook cards, in the Playground. Asha (the first admin, so a lead) saves a
 * ransomware procedure of four steps with `procedure`; a ransomware incident arrives; Ben opens its runbook
 * from the alert card, and the checklist goes to the alert's thread. Ben and Asha each tick a step and the
 * checklist shows "2 of 4 steps"; the ticks are on the alert's timeline (its card's history), and a press
 * from Chloë, who is not a member, changes nothing.
 */
const { channel, personalChat, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-procedures-0123456789';
let stack: E2eStack;

beforeAll(async () => {
  stack = await startInstalled({ CTAC_WEBHOOK_SECRET: SECRET });
  await addOrganisation(stack, TRUST);
  await addMember(stack, users.ben, 'RXC', 'member');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const STEPS = [
  '1. Isolate affected hosts | Pull the network cable; do not power off | https://www.ncsc.gov.uk/ransomware',
  '2. Tell the on-call lead | Phone, then Teams',
  '3. Preserve evidence | Memory and disk images before any rebuild',
  '4. Report to NHS England | Data Security and Protection Toolkit incident',
].join('\n');

test('when a lead saves a procedure and an alert’s runbook is opened, then two ticks show "2 of 4 steps" and are on the alert’s timeline', async () => {
  const form = await stack.ask(personalChat, users.asha.id, 'procedure', 'New CTAC procedure');
  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'procedure.save',
    {
      procedureId: '',
      name: 'Ransomware',
      source: 'incident',
      severities: 'critical,high',
      keywords: 'ransomware',
      steps: STEPS,
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Saved: Ransomware, version 1');

  // Alerts go to the channel the bot last heard from.
  await stack.say(channel, users.asha.id, 'help', { mention: true });
  await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
  const res = await sendSignedAlert(stack.app.url, SECRET, {
    source: 'incident',
    id: 'MSP-RANSOM-1',
    title: 'Ransomware on the RXC file servers',
    severity: 'critical',
  });
  expect(res.status).toBe(201);
  const { id: alertId } = (await res.json()) as { id: string };
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Ransomware on the RXC file servers') &&
      JSON.stringify(m.cards).includes('"verb":"runbook.open"'),
  );
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;

  const opened = await stack.execute(
    thread,
    users.ben.id,
    'runbook.open',
    { alertId },
    posted.messageId,
  );
  expect(cardText(opened.value)).toContain('The Ransomware runbook (version 1, 0 of 4 steps done)');
  const checklist = await stack.waitForMessage(
    (m) => m.conversationId === thread && cardText(m.cards).includes('Runbook: Ransomware'),
  );
  expect(cardText(checklist.cards)).toContain('0 of 4 steps done');

  const first = await stack.execute(
    thread,
    users.ben.id,
    'runbook.tick',
    { alertId, procedureId: 'ransomware', version: 1, step: 1 },
    checklist.messageId,
  );
  expect(cardText(first.value)).toContain('1 of 4 steps done');
  expect(cardText(first.value)).toContain('Ticked by Ben Okafor');

  // Chloë is in the team but not a CTAC member.
  const refused = await stack.execute(
    thread,
    users.chloe.id,
    'runbook.tick',
    { alertId, procedureId: 'ransomware', version: 1, step: 2 },
    checklist.messageId,
  );
  expect(cardText(refused.value)).toContain('Only CTAC members can tick runbook steps');

  const second = await stack.execute(
    thread,
    users.asha.id,
    'runbook.tick',
    { alertId, procedureId: 'ransomware', version: 1, step: 3 },
    checklist.messageId,
  );
  const text = cardText(second.value);
  expect(text).toContain('2 of 4 steps done');
  expect(text).toContain('Ticked by Ben Okafor');
  expect(text).toContain('Ticked by Asha Patel');

  // A stale card's step is refused with a friendly notice.
  const stale = await stack.execute(
    thread,
    users.ben.id,
    'runbook.tick',
    { alertId, procedureId: 'ransomware', version: 1, step: 9 },
    checklist.messageId,
  );
  expect(cardText(stale.value)).toContain('Ransomware (version 1) has no step 9');

  // Each tick is on the alert's timeline: the card in the channel lists them in its history.
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      cardText(m.cards).includes('Asha Patel ticked runbook step 3 (Preserve evidence)'),
  );
  const list = await stack.ask(personalChat, users.asha.id, 'procedures', 'CTAC procedures');
  expect(cardText(list.cards)).toContain('Ransomware (version 1)');
}, 120_000);
