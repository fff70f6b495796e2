import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

async function invoke(name: string, fromId: string, value: Record<string, unknown>) {
  const res = await fetch(`${stack.playground.url}/_conversation/v1/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, conversation: { id: channel }, from: { id: fromId }, value }),
  });
  const text = await res.text();
  expect(res.ok).toBe(true);
  return (text ? JSON.parse(text) : {}) as {
    task?: { type: string; value: string | { card: { content: Record<string, unknown> } } };
  };
}

const messagePayload = {
  id: '1732780800000',
  messageType: 'message',
  body: {
    contentType: 'html',
    content:
      '<p>Agreed: we <b>block</b> Office macros from the internet &amp; review in March.</p>',
  },
  from: { user: { id: users.ben.id, displayName: 'Ben Okafor' } },
  linkToMessage: 'https://teams.microsoft.com/l/message/19:ics@thread.tacv2/1732780800000',
};

async function command(fromId: string, text: string, expectText: string) {
  const before = stack.messages.length;
  const inChannel = fromId !== users.asha.id;
  await stack.say(inChannel ? channel : personalChat, fromId, text, { mention: inChannel });
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

beforeAll(async () => {
  stack = await E2eStack.start();
  await stack.install(channel);
  await stack.waitForMessage((m) => cardText(m.cards).includes('CTAC is ready'));
  const form = await command(users.asha.id, 'org add', 'Add an ICS organisation');
  await stack.execute(
    personalChat,
    users.asha.id,
    'org.add',
    { name: 'East Sussex Healthcare NHS Trust', code: 'RXC', isOes: 'true' },
    form.messageId,
  );
  for (const [user, role] of [
    [users.ben, 'lead'],
    [users.chloe, 'member'],
  ] as const) {
    const memberForm = await command(
      users.asha.id,
      'member add',
      'Add a member or change their role',
    );
    const res = await stack.execute(
      personalChat,
      users.asha.id,
      'member.add',
      { aadObjectId: user.aadObjectId, orgCode: 'RXC', role },
      memberForm.messageId,
    );
    expect(cardText(res.value)).toContain(`is now a ${role} for RXC`);
  }
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a member uses "Log as decision" on a message, then the form is prefilled and the saved decision is listed', async () => {
  const fetched = await invoke('composeExtension/fetchTask', users.chloe.id, {
    commandId: 'logDecision',
    commandContext: 'message',
    messagePayload,
  });
  expect(fetched.task?.type).toBe('continue');
  const form = (fetched.task!.value as { card: { content: Record<string, unknown> } }).card.content;
  const text = cardText(form);
  expect(text).toContain('Agreed: we block Office macros from the internet & review in March.');
  expect(text).toContain('From a message by Ben Okafor.');
  expect(JSON.stringify(form)).toContain(messagePayload.linkToMessage);

  const submitted = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'logDecision',
    commandContext: 'message',
    messagePayload,
    data: {
      text: 'Agreed: we block Office macros from the internet & review in March.',
      rationale: 'Macros are the main phishing payload this year.',
      decidedBy: 'forum',
      outcome: 'approved',
      relatedRisk: 'none',
      sourceMessageLink: messagePayload.linkToMessage,
      sourceMessageAuthor: 'Ben Okafor',
    },
  });
  expect(submitted.task?.type).toBe('message');
  expect(String(submitted.task?.value)).toMatch(/^Decision D-[0-9A-F]{8} logged\.$/);

  const list = await command(users.asha.id, 'decisions', 'Recent decisions');
  expect(cardText(list.cards)).toContain('block Office macros');
});

test('when the message action is forged by a non-member or carries oversized text, then it is refused and nothing is saved', async () => {
  // Dan is in the team but not a CTAC member.
  const outsider = 'user-dan';
  const forged = await invoke('composeExtension/submitAction', outsider, {
    commandId: 'logDecision',
    data: { text: 'Forged decision', rationale: 'x', decidedBy: 'forum', outcome: 'approved' },
  });
  expect(String(forged.task?.value)).toContain('Only CTAC members can log decisions');

  const huge = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'logDecision',
    data: {
      text: 'Oversized '.repeat(300),
      rationale: 'x',
      decidedBy: 'forum',
      outcome: 'approved',
    },
  });
  expect(huge.task?.type).toBe('continue');
  expect(cardText((huge.task!.value as { card: { content: unknown } }).card.content)).toContain(
    'What was decided must be at most 1000 characters',
  );

  const missing = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'logDecision',
  });
  expect(cardText((missing.task!.value as { card: { content: unknown } }).card.content)).toContain(
    'Say what was decided.',
  );

  const list = await command(users.asha.id, 'decisions', 'Recent decisions');
  expect(cardText(list.cards)).not.toContain('Forged decision');
  expect(cardText(list.cards)).not.toContain('Oversized');
});

test('when a risk above appetite is raised, then the channel gets an escalation card that only a lead can decide', async () => {
  const form = await command(users.chloe.id, 'risk', 'Raise a risk');
  const bad = await stack.execute(
    form.conversationId,
    users.chloe.id,
    'risk.raise',
    { title: 'Unsupported PACS server', orgCode: 'RXC' },
    form.messageId,
  );
  expect(cardText(bad.value)).toContain('Describe the risk');
  expect(cardText(bad.value)).toContain('Unsupported PACS server');

  const raised = await stack.execute(
    form.conversationId,
    users.chloe.id,
    'risk.raise',
    {
      title: 'Unsupported PACS server',
      description: 'Out of support; a ransomware foothold would stop imaging.',
      orgCode: 'RXC',
      cafPrinciple: 'B4',
      likelihood: '4',
      consequence: '5',
      owner: 'Head of IT',
      mitigations: 'Segmented VLAN',
      reviewDate: '2027-03-31',
    },
    form.messageId,
  );
  expect(cardText(raised.value)).toContain('above appetite');
  const escalation = await stack.waitForMessage(
    (m) =>
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Risk escalated to the ICS cyber group'),
  );
  // A new post in the channel starts its own thread: its card is pressed there.
  const thread = escalation.conversationId.includes(';')
    ? escalation.conversationId
    : `${escalation.conversationId};messageid=${escalation.messageId}`;
  const riskId = /Reference\n(R-[0-9A-F]{8})/.exec(cardText(escalation.cards))?.[1];
  expect(riskId).toBeDefined();

  const refused = await stack.execute(
    thread,
    users.chloe.id,
    'risk.decide',
    { riskId, choice: 'accept', rationale: 'Fine by me' },
    escalation.messageId,
  );
  expect(cardText(refused.value)).toContain('only leads of the ICS cyber group can decide');
  expect(cardText(refused.value)).toContain('Risk escalated to the ICS cyber group');

  const decided = await stack.execute(
    thread,
    users.ben.id,
    'risk.decide',
    { riskId, choice: 'treat', rationale: 'Replace the server by March.' },
    escalation.messageId,
  );
  expect(cardText(decided.value)).toContain('Treat: decided by Ben Okafor');
  expect(cardText(decided.value)).toContain('Replace the server by March.');
  await stack.waitForMessage((m) =>
    cardText(m.cards).includes('Treat the risk: Unsupported PACS server'),
  );

  const again = await stack.execute(
    thread,
    users.asha.id,
    'risk.decide',
    { riskId, choice: 'accept', rationale: 'x' },
    escalation.messageId,
  );
  expect(cardText(again.value)).toContain('Ben Okafor already decided on this risk');

  const list = await command(users.asha.id, 'risks', 'Open risks by score');
  expect(cardText(list.cards)).toContain('20 Extreme: Unsupported PACS server');
  expect(cardText(list.cards)).toContain('Being treated');
});
