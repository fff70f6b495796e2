import {
  addMember,
  addOrganisation,
  COUNTY_COUNCIL,
  startInstalled,
  TRUST,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Who may change a risk (issue 17, items 4 and 6): members of the risk's organisation and leads; while the
 * risk waits for the leads, leads only. A refused press answers a short notice with nothing of the risk.
 * Eilidh is a member of the trust (RXC) that carries the risks, Chloë a member of the county council (ESCC),
 * Ben a lead, and Dan is in the team but not in CTAC.
 */
const { channel, personalChat, users } = PLAYGROUND;
const eilidh = {
  id: 'user-eilidh',
  aadObjectId: 'e5e5e5e5-0000-4000-8000-000000000005',
  name: 'Eilidh Grant',
};
const dan = { id: 'user-dan' };
let stack: E2eStack;
let thread: string;
let cardId: string;
/** Open, score 4. */
let openRisk: string;
/** Escalated to the leads, score 16. */
let escalatedRisk: string;

async function command(text: string, expectText: string, opts: { inChannel?: boolean } = {}) {
  return stack.ask(opts.inChannel ? channel : personalChat, users.asha.id, text, expectText);
}

/** Someone presses a button on the risk form's card in the channel. */
const press = async (fromId: string, verb: string, data: Record<string, unknown>) =>
  cardText((await stack.execute(thread, fromId, verb, data, cardId)).value);

const riskForm = (title: string, likelihood: string, consequence: string) => ({
  title,
  description: 'What could happen, and why.',
  orgCode: 'RXC',
  cafPrinciple: 'B4',
  likelihood,
  consequence,
  owner: 'Head of IT',
  reviewDate: '2027-03-31',
});

const riskIdIn = (text: string) => /Reference\n(R-[0-9A-F]{8})/.exec(text)?.[1] ?? '';

/** The risk as its organisation's member sees it now. */
const shown = (riskId: string) => press(eilidh.id, 'risk.show', { riskId });

beforeAll(async () => {
  stack = await startInstalled({ CTAC_DEV_HOST: 'true' });
  for (const organisation of [TRUST, COUNTY_COUNCIL]) await addOrganisation(stack, organisation);
  for (const [who, orgCode, role] of [
    [users.ben, 'RXC', 'lead'],
    [users.chloe, 'ESCC', 'member'],
    [eilidh, 'RXC', 'member'],
  ] as const) {
    const res = await addMember(stack, who, orgCode, role);
    expect(cardText(res.value)).toContain(`is now a ${role} for ${orgCode}`);
  }
  const form = await command('risk', 'Raise a risk', { inChannel: true });
  thread = form.conversationId;
  cardId = form.messageId;
  openRisk = riskIdIn(
    await press(eilidh.id, 'risk.raise', riskForm('Shared night-team admin account', '2', '2')),
  );
  escalatedRisk = riskIdIn(
    await press(eilidh.id, 'risk.raise', riskForm('Unsupported PACS server', '4', '4')),
  );
  expect(openRisk).toMatch(/^R-/);
  expect(await shown(escalatedRisk)).toContain('Escalated to the ICS cyber group');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when a member of another organisation edits, re-scores, escalates or closes a risk, then each is refused with who may, and nothing of the risk', async () => {
  const before = await shown(openRisk);
  const attempts: [string, Record<string, unknown>, string][] = [
    ['risk.rescore', { rescore_likelihood: '1', rescore_consequence: '1' }, 're-score'],
    ['risk.edit.form', {}, 'edit'],
    ['risk.edit', { title: 'Nothing to see here', owner: 'Nobody' }, 'edit'],
    ['risk.escalate', { escalate_note: 'Forged' }, 'escalate'],
    ['risk.close', { close_reason: 'Forged' }, 'close'],
  ];
  for (const [verb, data, doing] of attempts) {
    const answer = await press(users.chloe.id, verb, { riskId: openRisk, ...data });
    expect(answer).toContain(
      `Only members of East Sussex Healthcare NHS Trust (RXC) and leads of the ICS cyber group can ${doing} risk ${openRisk}.`,
    );
    expect(answer).not.toContain('Shared night-team admin account');
    expect(answer).not.toContain('Head of IT');
  }
  expect(await shown(openRisk)).toBe(before);
});

test('when a member of the risk\u2019s organisation changes it, then it is saved', async () => {
  expect(await press(eilidh.id, 'risk.edit.form', { riskId: openRisk })).toContain(
    `Edit risk ${openRisk}`,
  );
  const rescored = await press(eilidh.id, 'risk.rescore', {
    riskId: openRisk,
    rescore_likelihood: '3',
    rescore_consequence: '3',
  });
  expect(rescored).toContain('Re-scored: now 9.');
});

test('when a risk waits for the leads, then its own organisation\u2019s member cannot re-score it, and the leads\u2019 tab still shows its score', async () => {
  for (const who of [eilidh.id, users.chloe.id]) {
    const answer = await press(who, 'risk.rescore', {
      riskId: escalatedRisk,
      rescore_likelihood: '1',
      rescore_consequence: '1',
    });
    expect(answer).toContain(
      `Risk ${escalatedRisk} is waiting for a decision from the ICS cyber group, so only its leads can re-score it now.`,
    );
    expect(answer).not.toContain('Unsupported PACS server');
  }
  expect(await press(eilidh.id, 'risk.edit', { riskId: escalatedRisk, title: 'Fine' })).toContain(
    'so only its leads can edit it now',
  );

  const token = await stack.app.devIssuer!.sign({
    oid: users.ben.aadObjectId,
    name: users.ben.name,
  });
  const res = await fetch(`${stack.app.url}/api/tab/escalations`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const { escalations } = (await res.json()) as {
    escalations: { id: string; score: number; title: string }[];
  };
  expect(escalations.find((e) => e.id === escalatedRisk)).toMatchObject({
    score: 16,
    title: 'Unsupported PACS server',
  });

  const byLead = await press(users.ben.id, 'risk.rescore', {
    riskId: escalatedRisk,
    rescore_likelihood: '4',
    rescore_consequence: '5',
  });
  expect(byLead).toContain('Re-scored: now 20.');
  expect(await shown(escalatedRisk)).toContain('Escalated to the ICS cyber group');
});

test('when someone outside CTAC presses a risk\u2019s buttons, then each answer is a short notice with nothing of the risk', async () => {
  const presses: [string, Record<string, unknown>][] = [
    ['risk.show', {}],
    ['risk.edit.form', {}],
    ['risk.rescore', { rescore_likelihood: '1', rescore_consequence: '1' }],
    ['risk.close', { close_reason: 'x' }],
    ['risk.decide', { choice: 'accept', rationale: 'x' }],
  ];
  for (const [verb, data] of presses) {
    const answer = await press(dan.id, verb, { riskId: escalatedRisk, ...data });
    expect(answer).toMatch(/Only (CTAC members|leads of the ICS cyber group) can/);
    expect(answer).not.toContain('Unsupported PACS server');
    expect(answer).not.toContain('What could happen');
    expect(answer).not.toContain('Head of IT');
  }
});

test('when a member who is not a lead presses Decide, then the answer is a short notice and the risk still waits', async () => {
  const answer = await press(users.chloe.id, 'risk.decide', {
    riskId: escalatedRisk,
    choice: 'accept',
    rationale: 'Fine by me',
  });
  expect(answer).toContain('Accept was not applied');
  expect(answer).toContain('Only leads of the ICS cyber group can decide on escalated risks.');
  expect(answer).not.toContain('Unsupported PACS server');
  expect(await shown(escalatedRisk)).toContain('Escalated to the ICS cyber group');
});
