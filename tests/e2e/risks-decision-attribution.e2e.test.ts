import {
  addMember,
  addOrganisation,
  COUNTY_COUNCIL,
  startInstalled,
  TRUST,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Who a decision is recorded as (issue 17, items 5 and 6): only leads log or correct a decision as the ICS
 * cyber group's (or another organisation's); a member's entry is recorded with their own name and organisation
 * from the directory. Chloë is a member of the county council (ESCC), Ben a lead at the trust (RXC), Dan is in
 * the team but not in CTAC.
 */
const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;
let thread: string;
let cardId: string;

type TaskResponse = {
  task?: { type: string; value: string | { card: { content: Record<string, unknown> } } };
};

async function command(text: string, expectText: string, opts: { inChannel?: boolean } = {}) {
  return stack.ask(opts.inChannel ? channel : personalChat, users.asha.id, text, expectText);
}

async function invoke(name: string, fromId: string, value: Record<string, unknown>) {
  const res = await fetch(`${stack.playground.url}/_conversation/v1/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, conversation: { id: channel }, from: { id: fromId }, value }),
  });
  expect(res.ok).toBe(true);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as TaskResponse;
}

/** Someone presses a button on the decision form's card in the channel; the card that answers. */
const press = async (fromId: string, verb: string, data: Record<string, unknown>) =>
  (await stack.execute(thread, fromId, verb, data, cardId)).value ?? {};

const decision = (decidedBy: string, text: string) => ({
  text,
  rationale: 'Agreed in the chat',
  decidedBy,
  outcome: 'approved',
  relatedRisk: 'none',
});

/** The "Decided by" choices a form offers. */
function makersOffered(card: unknown): string[] {
  const found: string[][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n['id'] === 'decidedBy')
      found.push((n['choices'] as { value: string }[]).map((c) => c.value));
    Object.values(n).forEach(walk);
  };
  walk(card);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The decision log as the tab shows it to a lead, optionally filtered by who decided. */
async function tabDecisions(
  query = '',
): Promise<{ id: string; text: string; decidedBy: string }[]> {
  const token = await stack.app.devIssuer!.sign({
    oid: users.ben.aadObjectId,
    name: users.ben.name,
  });
  const res = await fetch(`${stack.app.url}/api/tab/decisions${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { decisions: { id: string; text: string; decidedBy: string }[] })
    .decisions;
}

beforeAll(async () => {
  stack = await startInstalled({ CTAC_DEV_HOST: 'true' });
  for (const organisation of [TRUST, COUNTY_COUNCIL]) await addOrganisation(stack, organisation);
  for (const [who, orgCode, role] of [
    [users.ben, 'RXC', 'lead'],
    [users.chloe, 'ESCC', 'member'],
  ] as const) {
    const res = await addMember(stack, who, orgCode, role);
    expect(cardText(res.value)).toContain(`is now a ${role} for ${orgCode}`);
  }
  const form = await command('decision', 'Log a decision', { inChannel: true });
  thread = form.conversationId;
  cardId = form.messageId;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a member logs a decision from the form as the ICS cyber group\u2019s or another organisation\u2019s, then the form asks again and nothing is logged', async () => {
  for (const [decidedBy, maker] of [
    ['ics-cyber-group', 'the ICS cyber group'],
    ['RXC', 'East Sussex Healthcare NHS Trust (RXC)'],
  ]) {
    const again = await press(
      users.chloe.id,
      'decision.log',
      decision(decidedBy!, 'Forged by form'),
    );
    expect(cardText(again)).toContain(
      `Only leads of the ICS cyber group can log a decision as made by ${maker}.`,
    );
    expect(cardText(again)).toContain(
      'Choose the forum or East Sussex County Council (ESCC) as who decided',
    );
    expect(makersOffered(again)).toEqual(['forum', 'ESCC']);
  }
  const unknown = await press(users.chloe.id, 'decision.log', decision('LEADS', 'Forged by form'));
  expect(cardText(unknown)).toContain('There is no organisation with the code LEADS.');

  const own = await press(users.chloe.id, 'decision.log', decision('ESCC', 'Own decision'));
  expect(cardText(own)).toContain('East Sussex County Council (ESCC)');
  expect(cardText(own)).toMatch(/by Chloë Davies \(ESCC\)/);

  const logged = (await tabDecisions()).map((d) => d.text);
  expect(logged).toContain('Own decision');
  expect(logged).not.toContain('Forged by form');
});

test('when a member sends "Log as decision" attributed to the ICS cyber group, then the form asks again and nothing is logged', async () => {
  const fetched = await invoke('composeExtension/fetchTask', users.chloe.id, {
    commandId: 'logDecision',
    commandContext: 'message',
    messagePayload: { body: { content: '<p>We block macros.</p>' } },
  });
  const form = (fetched.task!.value as { card: { content: unknown } }).card.content;
  expect(makersOffered(form)).toEqual(['forum', 'ESCC']);

  const submitted = await invoke('composeExtension/submitAction', users.chloe.id, {
    commandId: 'logDecision',
    commandContext: 'message',
    data: decision('ics-cyber-group', 'Forged by message action'),
  });
  expect(submitted.task?.type).toBe('continue');
  const again = (submitted.task!.value as { card: { content: unknown } }).card.content;
  expect(cardText(again)).toContain(
    'Only leads of the ICS cyber group can log a decision as made by the ICS cyber group.',
  );
  expect((await tabDecisions()).map((d) => d.text)).not.toContain('Forged by message action');
});

test('when a lead logs the group\u2019s decision, then only it is listed as the group\u2019s, and a member or outsider cannot correct it', async () => {
  const logged = await press(
    users.ben.id,
    'decision.log',
    decision('ics-cyber-group', 'Group: named admin accounts'),
  );
  const id = /Decision (D-[0-9A-F]{8}) logged/.exec(cardText(logged))?.[1];
  expect(id).toBeDefined();
  expect(cardText(logged)).toMatch(/by Ben Okafor \(RXC\)/);

  const refusals = [
    await press(users.chloe.id, 'decision.correct.form', { decisionId: id }),
    await press(users.chloe.id, 'decision.supersede', {
      supersedes: id,
      ...decision('ESCC', 'Overruled'),
    }),
  ];
  for (const answer of refusals) {
    expect(cardText(answer)).toContain(
      'Only leads of the ICS cyber group can correct a decision of the ICS cyber group.',
    );
    expect(cardText(answer)).not.toContain('named admin accounts');
  }
  const outsider = await press('user-dan', 'decision.correct.form', { decisionId: id });
  expect(cardText(outsider)).toContain('Only CTAC members can correct decisions');
  expect(cardText(outsider)).not.toContain('named admin accounts');

  const group = await tabDecisions('?decidedBy=ics-cyber-group');
  expect(group.map((d) => d.text)).toEqual(['Group: named admin accounts']);
  expect((await tabDecisions()).map((d) => d.text)).not.toContain('Overruled');
});
