import { DateTime } from 'luxon';
import { TableAlertRepository } from '../../src/store/alert-repository';
import {
  addTrustWithAshaBenAndChloe,
  setUpDailyPrimaryRotation,
  startInstalled,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';
import { sendSignedAlert } from '../helpers/alert-webhook';

/*
 * Issue 16: escalation pages by rota layer. Ben and Chloë are both primary (Ben by the rotation, Chloë
 * by `rota add`) and Asha is secondary. A medium alert's first step pages the primary layer (both of
 * them); "Escalate now" fires the second step, which pages the secondary: Asha, whose chat with CTAC is
 * the Playground's 1:1 chat, receives the page, and Chloë (the second primary) is not paged again.
 */

const { channel, personalChat, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-layers-0123456789';
const TITLE = 'Suspicious sign-ins on the RXC VPN';
let stack: E2eStack;

const ukTime = (hours: number) =>
  DateTime.now().setZone('Europe/London').plus({ hours }).toFormat('d/M/yyyy HH:mm');

beforeAll(async () => {
  stack = await startInstalled({ CTAC_WEBHOOK_SECRET: SECRET });
  await addTrustWithAshaBenAndChloe(stack);
  const saved = await setUpDailyPrimaryRotation(stack, [users.ben.aadObjectId]);
  expect(cardText(saved.value)).toContain('Set up the primary rotation');
  for (const [who, layer] of [
    ['Chloë Davies', 'primary'],
    ['Asha Patel', 'secondary'],
  ] as const) {
    const added = await stack.ask(
      personalChat,
      users.asha.id,
      `rota add ${who} ${layer} ${ukTime(-1)} to ${ukTime(48)}`,
      `added to the ${layer} rota`,
    );
    expect(cardText(added.cards)).toContain(`${who} is on call in the ${layer} layer`);
  }
  // Alerts go to the ICS cyber channel: Asha mentions the bot there once.
  await stack.say(channel, users.asha.id, 'help', { mention: true });
  await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const sendAlert = (body: Record<string, unknown>) => sendSignedAlert(stack.app.url, SECRET, body);

test('when two people are primary and someone presses "Escalate now", then the secondary is paged and receives the page, not the second primary', async () => {
  const res = await sendAlert({
    source: 'incident',
    id: 'LAYERS-1',
    title: TITLE,
    severity: 'medium',
    summary: 'Sign-ins from an unusual country.',
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

  // The escalation job fires the first step (the primary layer): both primaries, nobody else.
  const alerts = new TableAlertRepository(stack.app.store);
  const pagedSteps = async () =>
    ((await alerts.get(alertId))?.alert.timeline ?? []).flatMap((e) =>
      e.kind === 'paged' ? [{ step: e.stepIndex, names: e.recipients.map((r) => r.name) }] : [],
    );
  const deadline = Date.now() + 45_000;
  while ((await pagedSteps()).length === 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
  expect(await pagedSteps()).toEqual([{ step: 0, names: ['Ben Okafor', 'Chloë Davies'] }]);
  // Asha, who is not primary, was not paged: nothing with the alert in her chat yet.
  expect(
    stack.messages.filter(
      (m) => m.conversationId === personalChat && cardText(m.cards).includes(TITLE),
    ),
  ).toEqual([]);

  // Ben presses "Escalate now" on the channel card: the second step targets the secondary layer.
  const before = stack.messages.length;
  const escalated = await stack.execute(
    thread,
    users.ben.id,
    'alert.escalate',
    { alertId },
    posted.messageId,
  );
  expect(cardText(escalated.value)).toContain(TITLE);
  const page = await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= before &&
      m.action === 'createMessage' &&
      m.conversationId === personalChat &&
      cardText(m.cards).includes(TITLE),
    30_000,
  );
  expect(JSON.stringify(page.cards)).toContain('"verb":"alert.acknowledge"');
  expect(await pagedSteps()).toEqual([
    { step: 0, names: ['Ben Okafor', 'Chloë Davies'] },
    { step: 1, names: ['Asha Patel'] },
  ]);
}, 120_000);
