import { validateCard } from '../helpers/card-validator';
import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

type TaskResponse = {
  task?: {
    type: string;
    value: string | { title?: string; card: { content: Record<string, unknown> } };
  };
};

async function invoke(name: string, fromId: string, value: Record<string, unknown>) {
  const res = await fetch(`${stack.playground.url}/_conversation/v1/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, conversation: { id: channel }, from: { id: fromId }, value }),
  });
  const text = await res.text();
  expect(res.ok).toBe(true);
  return (text ? JSON.parse(text) : {}) as TaskResponse;
}
const formOf = (r: TaskResponse) =>
  (r.task!.value as { card: { content: Record<string, unknown> } }).card.content;

const link = 'https://teams.microsoft.com/l/message/19:ics@thread.tacv2/1732780900000';
const messagePayload = {
  id: '1732780900000',
  messageType: 'message',
  body: {
    contentType: 'html',
    content:
      '<p>Unsupported VPN appliance at Eastbourne &amp; Hastings</p><p>The vendor ended support in October: no more patches.</p><p>Remote staff depend on it.</p>',
  },
  from: { user: { id: users.ben.id, displayName: 'Ben Okafor' } },
  linkToMessage: link,
};

/** What Teams sends when the form in the task module is submitted: the inputs and the button's data. */
const submitted = (over: Record<string, unknown> = {}) => ({
  title: 'Unsupported VPN appliance at Eastbourne & Hastings',
  description: `The vendor ended support in October: no more patches.\nRemote staff depend on it.\n\nFrom a message by Ben Okafor: ${link}`,
  orgCode: 'RXC',
  cafPrinciple: 'B4',
  likelihood: '3',
  consequence: '4',
  owner: 'Head of IT',
  mitigations: 'Replacement ordered',
  reviewDate: '2027-03-31',
  sourceMessageLink: link,
  sourceMessageAuthor: 'Ben Okafor',
  ...over,
});

async function command(text: string, expectText: string) {
  const before = stack.messages.length;
  await stack.say(personalChat, users.asha.id, text);
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

beforeAll(async () => {
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
  const res = await addMember(stack, users.chloe, 'RXC', 'member');
  expect(cardText(res.value)).toContain('is now a member for RXC');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a member uses "Raise as risk" on a message, then the form is prefilled from it and the raised risk is posted and listed', async () => {
  const fetched = await invoke('composeExtension/fetchTask', users.chloe.id, {
    commandId: 'raiseRisk',
    commandContext: 'message',
    messagePayload,
  });
  expect(fetched.task?.type).toBe('continue');
  expect((fetched.task!.value as { title: string }).title).toBe('Raise as risk');
  const form = formOf(fetched);
  expect(validateCard(form)).toEqual([]);
  const json = JSON.stringify(form);
  expect(json).toContain('"value":"Unsupported VPN appliance at Eastbourne & Hastings"');
  expect(json).toContain(
    JSON.stringify(
      `The vendor ended support in October: no more patches.\nRemote staff depend on it.\n\nFrom a message by Ben Okafor: ${link}`,
    ),
  );
  expect(cardText(form)).toContain(`From a message by Ben Okafor. [Open the message](${link})`);
  // Chloë's own organisation is chosen for her; the button submits the task module.
  expect(json).toMatch(/"id":"orgCode"[^}]*"value":"RXC"/);
  expect((form.actions as { type: string }[]).map((a) => a.type)).toEqual(['Action.Submit']);

  const before = stack.messages.length;
  const raised = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'raiseRisk',
    commandContext: 'message',
    messagePayload,
    data: submitted(),
  });
  expect(raised.task?.type).toBe('message');
  const id = /^Risk (R-[0-9A-F]{8}) raised: score 12\.$/.exec(String(raised.task?.value))?.[1];
  expect(id).toBeDefined();
  const posted = await stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(`Risk ${id} raised`),
  );
  expect(cardText(posted.cards)).toContain('raised by Chloë Davies from a message');
  expect(cardText(posted.cards)).toContain('Score 12 (High)');

  const list = await command('risks', 'Open risks by score');
  expect(cardText(list.cards)).toContain('Unsupported VPN appliance at Eastbourne & Hastings');
});

test('when "Raise as risk" is forged by a non-member, oversized or incomplete, then it is refused and nothing is saved', async () => {
  // Dan is in the team but not a CTAC member.
  const outsider = 'user-dan';
  const fetched = await invoke('composeExtension/fetchTask', outsider, {
    commandId: 'raiseRisk',
    commandContext: 'message',
    messagePayload,
  });
  expect(fetched.task).toEqual({
    type: 'message',
    value: 'Only CTAC members can raise risks. Ask an admin to add you.',
  });
  const forged = await invoke('composeExtension/submitAction', outsider, {
    commandId: 'raiseRisk',
    data: submitted({ title: 'Forged risk' }),
  });
  expect(forged.task).toEqual({
    type: 'message',
    value: 'Only CTAC members can raise risks. Ask an admin to add you.',
  });

  const huge = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'raiseRisk',
    data: submitted({ title: 'Oversized risk', description: 'x'.repeat(30_000) }),
  });
  expect(huge.task).toEqual({
    type: 'message',
    value: 'That risk is far too long to raise. Nothing was saved.',
  });

  const incomplete = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'raiseRisk',
    data: submitted({ title: 'Incomplete risk', description: '', likelihood: '9' }),
  });
  expect(incomplete.task?.type).toBe('continue');
  const again = formOf(incomplete);
  expect(validateCard(again)).toEqual([]);
  expect(cardText(again)).toContain('Describe the risk');
  expect(cardText(again)).toContain('From a message by Ben Okafor.');
  expect(JSON.stringify(again)).toContain('"value":"Incomplete risk"');

  const list = await command('risks', 'Open risks by score');
  for (const title of ['Forged risk', 'Oversized risk', 'Incomplete risk'])
    expect(cardText(list.cards)).not.toContain(title);
});
