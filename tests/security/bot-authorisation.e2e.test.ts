import { escalationPolicyFeature } from '../../src/bot/alerts/escalation-policy-feature';
import { alertsFeature } from '../../src/bot/alerts/alerts-feature';
import { regulatoryClocksFeature } from '../../src/bot/alerts/regulatory-clocks-feature';
import { leaversFeature } from '../../src/bot/directory/leavers-feature';
import { exercisesFeature } from '../../src/bot/exercises/exercises-feature';
import { proceduresFeature } from '../../src/bot/procedures/procedures-feature';
import { rotaFeature } from '../../src/bot/rota/rota-feature';
import { TableEscalationTimerStore } from '../../src/store/alert-escalation-store';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';
import { sendSignedAlert } from '../helpers/alert-webhook';

/**
 * Issue 17, items 1, 6, 7 and 8 through the Playground (a real Teams client) and the running app:
 * the chat cannot rewrite an alert from another source, a refused button press shows nothing of CTAC's,
 * a verb that is not CTAC's is simply not known, and activities from another tenant are refused.
 */
const { channel, personalChat, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-0123456789abcdef';
/** The Playground's tenant (.m365agentsplayground.yml): CTAC's own tenant in these tests. */
const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const OTHER_TENANT = '0badbad0-0000-4000-8000-000000000000';

const OFFICIAL = {
  source: 'hsa',
  id: 'CC-9001',
  title: 'Critical vulnerability in Citrix NetScaler ADC',
  severity: 'high',
  summary: 'Remote code execution, exploited in the wild.',
  url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9001',
  cves: ['CVE-2026-1234'],
};
/** What the alert card shows that someone outside CTAC must not see. */
const ALERT_CONTENT = [
  'Citrix NetScaler',
  'exploited in the wild',
  'CVE-2026-1234',
  'East Sussex Healthcare',
  'Ben Okafor',
  'Asha Patel',
];

let stack: E2eStack;
let alertId: string;
let posted: { messageId: string; thread: string };

beforeAll(async () => {
  stack = await E2eStack.start({ CTAC_WEBHOOK_SECRET: SECRET, BOT_TENANT_ID: TENANT });
  // Escalation is not run by its timer here: the test compares the alert's timer before and after.
  await stack.app.jobs.escalation.stop();
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

  const res = await sendAlert(OFFICIAL);
  expect(res.status).toBe(201);
  alertId = ((await res.json()) as { id: string }).id;
  const card = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Citrix NetScaler'),
  );
  posted = {
    messageId: card.messageId,
    thread: card.conversationId.includes(';')
      ? card.conversationId
      : `${card.conversationId};messageid=${card.messageId}`,
  };
});
afterAll(async () => {
  await stack?.stop();
});

const sendAlert = (body: Record<string, unknown>) => sendSignedAlert(stack.app.url, SECRET, body);

const stored = async (id: string) =>
  (await new TableAlertRepository(stack.app.store).get(id))?.alert;
const timerOf = async (id: string) =>
  (await new TableEscalationTimerStore(stack.app.store).due(new Date('2100-01-01'), 500)).find(
    (t) => t.alertId === id,
  );
/** What a member can change on an alert (not where its card was posted, which the send queue records). */
const content = (alert: Awaited<ReturnType<typeof stored>>) => {
  const { title, severity, severityRank, summary, url, cves, state, escalation, timeline } = alert!;
  return {
    title,
    severity,
    severityRank,
    summary,
    url,
    cves,
    state,
    escalation,
    updates: timeline.filter((e) => e.kind === 'updated'),
  };
};

describe('item 1: a member in the chat raises new alerts, never changes one from another source', () => {
  test('when a member sends the chat form with forged data naming an HSA the NHS sent, then its content, its escalation timer and its card are unchanged', async () => {
    const before = content(await stored(alertId));
    const timer = await timerOf(alertId);
    expect(timer).toBeDefined();

    const answer = await stack.execute(
      posted.thread,
      users.ben.id,
      'alert.raise',
      {
        source: 'hsa:cc-9001',
        formId: 'forged-form-1',
        title: 'Information only: resolved upstream',
        severity: 'Information only',
        summary: 'No action needed.',
        url: 'https://attacker.example.com/cc-9001',
        cves: '',
      },
      posted.messageId,
    );
    expect(cardText(answer.value)).toContain(
      `Already raised: ${OFFICIAL.title}\nHSA CC-9001 is already alert ${alertId}, so nothing was changed.`,
    );
    expect(content(await stored(alertId))).toEqual(before);
    expect(await timerOf(alertId)).toEqual(timer);

    // Ben then acknowledges: that card update follows any the form could have caused, in order.
    await stack.execute(
      posted.thread,
      users.ben.id,
      'alert.acknowledge',
      { alertId },
      posted.messageId,
    );
    await stack.waitForMessage(
      (m) =>
        m.action === 'updateMessage' &&
        m.messageId === posted.messageId &&
        cardText(m.cards).includes('Acknowledged by Ben Okafor'),
    );
    const shown = stack.messages.map((m) => JSON.stringify(m.cards)).join('\n');
    expect(shown).not.toContain('resolved upstream');
    expect(shown).not.toContain('attacker.example.com');
  });

  test('when the same incident form is sent twice, then the second changes nothing and says it was already raised', async () => {
    const form = {
      source: 'incident',
      formId: 'incident-form-1',
      title: 'Phishing wave against the trust',
      severity: 'medium',
    };
    const first = await stack.execute(
      posted.thread,
      users.ben.id,
      'alert.raise',
      form,
      posted.messageId,
    );
    expect(cardText(first.value)).toContain('Raised: Phishing wave against the trust');
    const again = await stack.execute(
      posted.thread,
      users.ben.id,
      'alert.raise',
      { ...form, title: 'Nothing to see here', severity: 'low' },
      posted.messageId,
    );
    expect(cardText(again.value)).toContain(
      'Already raised: Phishing wave against the trust\nThis incident is already alert',
    );
  });

  test('when an HSA id is not in NHS England’s form, then neither the chat form nor the webhook raises it', async () => {
    const problem = 'id: an HSA id is "CC-" and digits, as NHS England gives it, such as CC-4719.';
    const answer = await stack.execute(
      posted.thread,
      users.ben.id,
      'alert.raise',
      { source: 'hsa:CC-9001-evil', formId: 'forged-form-2', title: 'Fake', severity: 'High' },
      posted.messageId,
    );
    expect(cardText(answer.value)).toContain(problem);
    const res = await sendAlert({ ...OFFICIAL, id: 'HSA-9001' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { problems: string[] } }).error.problems).toContain(
      problem,
    );
    const repository = new TableAlertRepository(stack.app.store);
    expect(await repository.findByDedupKey('hsa', 'CC-9001-EVIL')).toBeUndefined();
    expect(await repository.findByDedupKey('hsa', 'HSA-9001')).toBeUndefined();
  });
});

/**
 * Every verb of the alert, policy, rota, procedures, reporting clock, exercise and leaver features and the bot's
 * own, read from the features.
 */
const stub = new Proxy({}, { get: () => stub }) as never;
const VERBS = [
  'help.show',
  'command.run',
  'org.add',
  'org.edit',
  'member.add',
  'member.edit',
  ...[
    alertsFeature(stub),
    escalationPolicyFeature(stub),
    rotaFeature(stub),
    proceduresFeature(stub),
    regulatoryClocksFeature(stub),
    exercisesFeature(stub),
    leaversFeature(stub),
  ].flatMap((f) => Object.keys(f.verbs ?? {})),
];

describe('item 6: a refused button press carries no content', () => {
  test.each(VERBS)(
    'when someone outside CTAC presses %s on the alert card, then the answer shows nothing of the alert or of CTAC',
    async (verb) => {
      const before = content(await stored(alertId));
      for (const extra of [{}, { from: 'list' }, { from: 'digest', digestId: 'D1' }]) {
        const answer = await stack.execute(
          posted.thread,
          users.chloe.id,
          verb,
          {
            alertId,
            src: 'hsa',
            key: 'CC-9001',
            applicability: 'affected',
            remediation: 'in progress',
            responseNote: 'Patched.',
            resolveNote: 'Done.',
            noteText: 'Looking.',
            snoozeFor: '60',
            command: `ack ${alertId}`,
            rank: 'high',
            swapId: 'S1',
            procedureId: 'ransomware',
            version: 1,
            step: 1,
            name: 'Ransomware',
            steps: 'Isolate hosts',
            clock: 'ico',
            reportDate: '2026-01-01',
            reportTime: '09:00',
            reportReference: 'FORGED',
            ...extra,
          },
          posted.messageId,
        );
        const text = cardText(answer.value);
        for (const secret of ALERT_CONTENT) expect(text).not.toContain(secret);
      }
      expect(content(await stored(alertId))).toEqual(before);
    },
  );

  test.each(['alerts', 'oncall', 'rota', 'members', 'policies', 'hsa CC-9001', 'ack CC-9001'])(
    'when someone outside CTAC runs "%s" from a card, then the answer is a refusal with no content',
    async (command) => {
      const answer = await stack.execute(
        posted.thread,
        users.chloe.id,
        'command.run',
        { command },
        posted.messageId,
      );
      const text = cardText(answer.value);
      expect(text).toMatch(/Only CTAC members can/);
      for (const secret of ALERT_CONTENT) expect(text).not.toContain(secret);
    },
  );
});

describe('item 7: a verb is looked up among CTAC’s own, never on an object’s prototype', () => {
  test.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf'])(
    'when a card action names the verb %s, then it is "out of date" and nothing throws',
    async (verb) => {
      for (const who of [users.ben.id, users.chloe.id]) {
        const answer = await stack.execute(
          posted.thread,
          who,
          verb,
          { title: 'echo me', alertId },
          posted.messageId,
        );
        expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
        expect(cardText(answer.value)).toContain('That button is out of date');
        expect(JSON.stringify(answer.value)).not.toContain('echo me');
      }
    },
  );

  test.each(['constructor', '__proto__', 'hasOwnProperty'])(
    'when a message action names the command %s, then it is "not available" and nothing throws',
    async (commandId) => {
      for (const name of ['composeExtension/fetchTask', 'composeExtension/submitAction']) {
        const res = await fetch(`${stack.playground.url}/_conversation/v1/invoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name,
            conversation: { id: channel },
            from: { id: users.ben.id },
            value: { commandId, commandContext: 'message', data: { title: 'echo me' } },
          }),
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({
          task: {
            type: 'message',
            value: 'That action is not available. Type "help" to see what CTAC can do.',
          },
        });
      }
    },
  );
});

describe('item 8: activities from another tenant are refused', () => {
  /** An activity straight to the app's bot endpoint, as Teams would send it (the bot is anonymous here). */
  async function sendActivity(tenantId: string, activity: Record<string, unknown>) {
    const res = await fetch(`${stack.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `activity-${Math.random()}`,
        channelId: 'msteams',
        serviceUrl: `${stack.playground.url}/_connector`,
        from: { id: users.ben.id, aadObjectId: users.ben.aadObjectId, name: users.ben.name },
        recipient: { id: PLAYGROUND.botId, name: 'CTAC' },
        conversation: { id: posted.thread, conversationType: 'channel', tenantId },
        channelData: {
          tenant: { id: tenantId },
          team: { id: PLAYGROUND.team },
          channel: { id: channel },
        },
        ...activity,
      }),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown };
  }

  test('when a member’s button press comes from another tenant, then it is refused with no content and changes nothing; from CTAC’s own it is taken', async () => {
    const res = await sendAlert({ ...OFFICIAL, id: 'CC-9002', title: 'Exchange flaw' });
    const { id } = (await res.json()) as { id: string };
    const press = (tenantId: string) =>
      sendActivity(tenantId, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb: 'alert.acknowledge', data: { alertId: id } },
        },
      });

    const refused = await press(OTHER_TENANT);
    const refusedText = cardText((refused.body as { value?: unknown })?.value);
    expect(refusedText).toContain('Not available here');
    expect(refusedText).not.toContain('Exchange flaw');
    expect((await stored(id))?.state).toBe('triggered');

    const taken = await press(TENANT);
    expect(cardText((taken.body as { value?: unknown })?.value)).toContain(
      'Acknowledged by Ben Okafor',
    );
    expect((await stored(id))?.state).toBe('acknowledged');
  });
});
