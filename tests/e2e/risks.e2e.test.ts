import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
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

/**
 * Asha (the admin who installed the app) types a command, 1:1 or in the channel. The Playground sends channel
 * messages as its current user, so other people act through card buttons and invokes, which carry their id.
 */
async function command(
  fromId: string,
  text: string,
  expectText: string,
  opts: { inChannel?: boolean } = {},
) {
  return stack.ask(opts.inChannel ? channel : personalChat, fromId, text, expectText);
}

beforeAll(async () => {
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
  for (const [user, role] of [
    [users.ben, 'lead'],
    [users.chloe, 'member'],
  ] as const) {
    const res = await addMember(stack, user, 'RXC', role);
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

  // The dialog's form carries no link of its own here: the one Teams gives with the message is kept.
  const before = stack.messages.length;
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
      sourceMessageAuthor: 'Ben Okafor',
    },
  });
  // No task in the answer: Teams closes the dialog, and the confirmation is in the conversation.
  expect(submitted.task).toBeUndefined();
  const confirmation = await stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= before &&
      /Decision D-[0-9A-F]{8} logged/.test(cardText(m.cards)) &&
      cardText(m.cards).includes('block Office macros'),
  );
  expect(cardText(confirmation.cards)).toContain(
    `[Open the message](${messagePayload.linkToMessage})`,
  );

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
  const form = await command(users.asha.id, 'risk', 'Raise a risk', { inChannel: true });
  // Chloë, a member, fills in the form in the channel.
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
  expect(cardText(refused.value)).toContain('Only leads of the ICS cyber group can decide');
  // A refusal is a short notice: the risk itself stays on the card in the channel, not in the answer.
  expect(cardText(refused.value)).not.toContain('Unsupported PACS server');

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
  // Everyone in the channel sees the card change in place.
  const updated = await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' && cardText(m.cards).includes('Treat: decided by Ben Okafor'),
  );
  expect(updated.messageId).toBe(escalation.messageId);

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

test('when a member re-scores, edits and closes a risk from its card, then the card shows each change', async () => {
  const form = await command(users.asha.id, 'risk', 'Raise a risk');
  const raised = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.raise',
    {
      title: 'Shared admin account',
      description: 'One admin login is shared by the night team.',
      orgCode: 'RXC',
      cafPrinciple: 'B2',
      likelihood: '2',
      consequence: '2',
      owner: 'IT security',
      reviewDate: '2027-02-28',
    },
    form.messageId,
  );
  const riskId = /Reference\n(R-[0-9A-F]{8})/.exec(cardText(raised.value))?.[1];
  expect(cardText(raised.value)).toContain('Score 4 (Moderate)');

  const rescored = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.rescore',
    { riskId, rescore_likelihood: '3', rescore_consequence: '3', rescore_note: 'Seen in an audit' },
    form.messageId,
  );
  expect(cardText(rescored.value)).toContain('Re-scored: now 9.');
  expect(cardText(rescored.value)).toContain('Score 9 (High)');

  const editForm = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.edit.form',
    { riskId },
    form.messageId,
  );
  expect(cardText(editForm.value)).toContain(`Edit risk ${riskId}`);
  const badEdit = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.edit',
    { riskId, title: '', owner: 'Service desk' },
    form.messageId,
  );
  expect(cardText(badEdit.value)).toContain('Give the risk a short title.');
  expect(cardText(badEdit.value)).toContain('Service desk');
  const edited = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.edit',
    {
      riskId,
      title: 'Shared night-team admin account',
      description: 'One admin login is shared by the night team.',
      cafPrinciple: 'B2',
      owner: 'Service desk',
      reviewDate: '2027-02-28',
    },
    form.messageId,
  );
  expect(cardText(edited.value)).toContain('Saved by Asha Patel');
  expect(cardText(edited.value)).toContain('Service desk');

  const noReason = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.close',
    { riskId },
    form.messageId,
  );
  expect(cardText(noReason.value)).toContain('Say why the risk is being closed.');
  const closed = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.close',
    { riskId, close_reason: 'Named accounts issued' },
    form.messageId,
  );
  expect(cardText(closed.value)).toContain('Closed by Asha Patel');

  const list = await command(users.asha.id, 'risks', 'Open risks by score');
  expect(cardText(list.cards)).not.toContain('Shared night-team admin account');
});

test('when a member logs a decision with the decision command and corrects it, then both are listed and the old one marked', async () => {
  const form = await command(
    users.asha.id,
    'decision We will move to named admin accounts',
    'Log a decision',
  );
  expect(cardText(form.cards)).toContain('We will move to named admin accounts');
  const logged = await stack.execute(
    personalChat,
    users.asha.id,
    'decision.log',
    {
      text: 'We will move to named admin accounts',
      rationale: 'Audit finding',
      decidedBy: 'forum',
      outcome: 'approved',
      relatedRisk: 'none',
      relatedAlert: '',
    },
    form.messageId,
  );
  const id = /Decision (D-[0-9A-F]{8}) logged/.exec(cardText(logged.value))?.[1];
  expect(id).toBeDefined();
  const correction = await stack.execute(
    personalChat,
    users.asha.id,
    'decision.correct.form',
    { decisionId: id },
    form.messageId,
  );
  expect(cardText(correction.value)).toContain(`Correct decision ${id}`);
  const corrected = await stack.execute(
    personalChat,
    users.asha.id,
    'decision.supersede',
    {
      supersedes: id,
      text: 'We will move to named admin accounts',
      rationale: 'Audit finding',
      decidedBy: 'RXC',
      outcome: 'deferred',
      relatedRisk: 'none',
    },
    form.messageId,
  );
  expect(cardText(corrected.value)).toContain(`superseding ${id}`);
  const list = await command(users.asha.id, 'decisions', 'Recent decisions');
  expect(cardText(list.cards)).toMatch(new RegExp(`Superseded by D-[0-9A-F]{8}`));
});

test('when an admin lowers an organisation\u2019s appetite, then a risk above it is escalated; a member\u2019s forged save changes nothing', async () => {
  const form = await command(users.asha.id, 'appetite', 'Risk appetite', { inChannel: true });
  // Chloë, a member, presses Save on the admin's form: refused, nothing saved.
  const forged = await stack.execute(
    form.conversationId,
    users.chloe.id,
    'appetite.set',
    { icsWide: '1', org_RXC: '1' },
    form.messageId,
  );
  expect(cardText(forged.value)).toContain('Only admins can set the risk appetite');
  const bad = await stack.execute(
    form.conversationId,
    users.asha.id,
    'appetite.set',
    { icsWide: '40', org_RXC: '' },
    form.messageId,
  );
  expect(cardText(bad.value)).toContain('a whole number from 1 to 25');
  const saved = await stack.execute(
    form.conversationId,
    users.asha.id,
    'appetite.set',
    { icsWide: '12', org_RXC: '3' },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Risk appetite saved');
  expect(cardText(saved.value)).toContain('RXC 3');

  const riskForm = await command(users.asha.id, 'risk', 'Raise a risk');
  const raised = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.raise',
    {
      title: 'Old Windows kiosks',
      description: 'Unsupported OS.',
      orgCode: 'RXC',
      cafPrinciple: 'B4',
      likelihood: '2',
      consequence: '2',
      owner: 'Estates',
      reviewDate: '2027-02-28',
    },
    riskForm.messageId,
  );
  expect(cardText(raised.value)).toContain('above appetite');
  await stack.waitForMessage(
    (m) =>
      cardText(m.cards).includes('Old Windows kiosks') &&
      cardText(m.cards).includes('appetite of East Sussex Healthcare NHS Trust (RXC) (3)'),
  );
});
