import { Directory } from '../../../src/app/directory';
import { DecisionLog } from '../../../src/app/risks/decision-log';
import type { DecisionRepository, RiskEscalationNotifier } from '../../../src/app/risks/ports';
import { RiskRegister } from '../../../src/app/risks/risk-register';
import { RiskSettings } from '../../../src/app/risks/risk-settings';
import type { Risk } from '../../../src/domain/risk';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { isCtacError } from '../../../src/domain/shared/errors';
import { DECISION_TABLE, TableDecisionRepository } from '../../../src/store/decision-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import {
  RISK_SETTINGS_TABLE,
  TableRiskPolicyRepository,
} from '../../../src/store/risk-policy-repository';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
const clock = new FakeClock('2026-11-28T09:00:00Z');
let n = 0;
const ids = { next: () => (++n).toString(16).padStart(8, '0') + '-0000-4000-8000-000000000000' };
const posted: Risk[] = [];
const notifier: RiskEscalationNotifier = {
  postEscalation: async (r) => void posted.push(r),
  decided: async () => undefined,
};

const person = (id: string, name: string, role: Member['role']): Member => ({
  aadObjectId: id,
  name,
  upn: '',
  orgCode: 'RXC',
  role,
  addedAt: clock.now().toISOString(),
  addedBy: 'test',
});
const member = person('00000000-0000-4000-8000-000000000001', 'Ben Okafor', 'member');
const lead = person('00000000-0000-4000-8000-000000000002', 'Chloë Davies', 'lead');
const admin = person('00000000-0000-4000-8000-000000000003', 'Asha Patel', 'admin');

let register: RiskRegister;
let log: DecisionLog;
let settings: RiskSettings;
let decisions: DecisionRepository;
let directory: Directory;

const form = (over: Record<string, unknown> = {}) => ({
  title: 'Legacy PACS server',
  description: 'Out of support, cannot be patched.',
  orgCode: 'RXC',
  cafPrinciple: 'B4 System security',
  likelihood: '3',
  consequence: '3',
  owner: 'Head of IT',
  mitigations: 'Segmented\nMonitored',
  reviewDate: '2027-01-31',
  ...over,
});

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isCtacError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([RISK_TABLE, DECISION_TABLE, RISK_SETTINGS_TABLE]);
  const members = new TableMemberRepository(store);
  for (const m of [member, lead, admin]) await members.put(m);
  const orgs = new TableOrganisationRepository(store);
  await orgs.create({
    code: 'RXC',
    name: 'East Sussex Healthcare NHS Trust',
    isOes: true,
    createdAt: '',
    createdBy: '',
  });
  await orgs.create({
    code: 'ESCC',
    name: 'East Sussex County Council',
    isOes: false,
    createdAt: '',
    createdBy: '',
  });
  directory = new Directory(orgs, members, clock, []);
  decisions = new TableDecisionRepository(store);
  log = new DecisionLog(decisions, directory, clock, ids);
  settings = new RiskSettings(new TableRiskPolicyRepository(store), directory, clock);
  register = new RiskRegister(
    new TableRiskRepository(store),
    log,
    settings,
    directory,
    notifier,
    clock,
    ids,
  );
});
afterAll(() => stop());

test('when someone who is not a member raises a risk, then it is refused and nothing is saved', async () => {
  const before = (await register.listOpen(member)).length;
  const e = await rejection(register.raise(undefined, form(), 'teams'));
  expect(e.message).toContain('Only CTAC members can raise risks');
  expect(await register.listOpen(member)).toHaveLength(before);
});

test('when a member raises a risk for an organisation that does not exist, then the form lists the problem', async () => {
  const e = await rejection(register.raise(member, form({ orgCode: 'NOPE' }), 'teams'));
  expect(e.problems.join()).toContain('There is no organisation with the code NOPE');
});

test('when a risk scores above its organisation\u2019s appetite, then it is escalated and posted to the channel', async () => {
  await settings.setAppetite(admin, { icsWide: '12', organisations: { RXC: '8' } }, undefined);
  const { risk, escalated } = await register.raise(member, form(), 'teams');
  expect(risk.score).toBe(9);
  expect(escalated).toBe(true);
  expect(risk.status).toBe('escalated');
  expect(risk.escalation?.appetite).toEqual({ threshold: 8, scope: 'organisation' });
  expect(posted.map((r) => r.id)).toContain(risk.id);
  const low = await register.raise(member, form({ orgCode: 'ESCC' }), 'teams');
  expect(low.escalated).toBe(false);
});

test('when a non-admin sets the appetite, then it is refused; an admin\u2019s stale form is refused too', async () => {
  expect((await rejection(settings.setAppetite(lead, { icsWide: 5 }, undefined))).code).toBe(
    'forbidden',
  );
  expect((await rejection(settings.setAppetite(admin, { icsWide: 5 }, undefined))).code).toBe(
    'conflict',
  );
  expect((await settings.policy()).appetite.icsWide).toBe(12);
});

test('when a member who is not a lead decides an escalation, then nothing changes and no decision is logged', async () => {
  const { risk } = await register.raise(member, form({ title: 'Decide me' }), 'teams');
  const before = (await decisions.listAll()).length;
  const e = await rejection(
    register.decide(member, risk.id, { choice: 'accept', rationale: 'ok' }, 'teams'),
  );
  expect(e.code).toBe('forbidden');
  expect((await register.get(member, risk.id)).status).toBe('escalated');
  expect(await decisions.listAll()).toHaveLength(before);
});

test('when a lead decides, then the risk and the decision log both record it, and a second press is told who decided', async () => {
  const { risk } = await register.raise(member, form({ title: 'Treat me' }), 'teams');
  const e = await rejection(register.decide(lead, risk.id, { choice: 'treat' }, 'teams'));
  expect(e.problems).toContain('Give the rationale for the decision.');
  const { risk: decided, decision } = await register.decide(
    lead,
    risk.id,
    { choice: 'treat', rationale: 'Replace by March' },
    'teams',
  );
  expect(decided.status).toBe('treating');
  expect(decided.lastDecision?.decisionId).toBe(decision.id);
  expect(await decisions.get(decision.id)).toMatchObject({
    related: { kind: 'risk', id: risk.id },
    decidedBy: 'ics-cyber-group',
  });
  const again = await rejection(
    register.decide(admin, risk.id, { choice: 'accept', rationale: 'x' }, 'teams'),
  );
  expect(again.message).toContain('Chloë Davies already decided on this risk');
});

test('when the decision log write fails after the risk was decided, then the next read logs it exactly once', async () => {
  const { risk } = await register.raise(member, form({ title: 'Crash between writes' }), 'teams');
  const failing = new DecisionLog(
    {
      ...decisions,
      get: (id) => decisions.get(id),
      listRecent: (l) => decisions.listRecent(l),
      listAll: () => decisions.listAll(),
      create: async () => {
        throw new Error('storage went away');
      },
    },
    directory,
    clock,
    ids,
  );
  const crashing = new RiskRegister(
    new TableRiskRepository(store),
    failing,
    settings,
    directory,
    notifier,
    clock,
    ids,
  );
  await expect(
    crashing.decide(lead, risk.id, { choice: 'accept', rationale: 'Low impact' }, 'teams'),
  ).rejects.toThrow('storage went away');
  const decided = await register.get(member, risk.id);
  await register.get(member, risk.id);
  const logged = (await decisions.listAll()).filter((d) => d.related?.id === risk.id);
  expect(logged).toHaveLength(1);
  expect(logged[0]!.id).toBe(decided.lastDecision?.decisionId);
});

test('when a decision is superseded, then both stay and the old one is marked', async () => {
  const first = await log.log(
    member,
    { text: 'Block macros', rationale: 'Phishing', decidedBy: 'forum', outcome: 'approved' },
    'teams',
  );
  clock.advance(60_000);
  const second = await log.supersede(member, first.id, { outcome: 'deferred' }, 'teams');
  const recent = await log.listRecent(member);
  expect(recent[0]).toEqual({ decision: second });
  expect(recent.find((e) => e.decision.id === first.id)?.supersededBy).toBe(second.id);
  expect((await rejection(log.log(undefined, { text: 'x' }, 'teams'))).code).toBe('not_a_member');
});

test('when risks are listed, then they come highest score first and only for members', async () => {
  await register.raise(member, form({ title: 'Top', likelihood: 5, consequence: 5 }), 'teams');
  const open = await register.listOpen(member);
  expect(open[0]!.title).toBe('Top');
  expect((await rejection(register.listOpen(undefined))).code).toBe('not_a_member');
});

test('when two leads decide the same escalation at the same moment, then one decision is recorded and the other is told who decided', async () => {
  const { risk } = await register.raise(member, form({ title: 'Race' }), 'teams');
  const results = await Promise.allSettled([
    register.decide(lead, risk.id, { choice: 'accept', rationale: 'One' }, 'teams'),
    register.decide(admin, risk.id, { choice: 'transfer', rationale: 'Two' }, 'teams'),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect(String(lost[0]!.reason.message)).toMatch(/already decided on this risk/);
  expect((await decisions.listAll()).filter((d) => d.related?.id === risk.id)).toHaveLength(1);
});

test('when someone who is not a member edits, re-scores, escalates or closes a risk, then each is refused and the risk is unchanged', async () => {
  const { risk } = await register.raise(
    member,
    form({ orgCode: 'ESCC', title: 'Keep me' }),
    'teams',
  );
  const attempts = [
    register.edit(undefined, risk.id, { title: 'Forged' }, 'teams'),
    register.rescore(undefined, risk.id, { likelihood: 5, consequence: 5 }, 'teams'),
    register.escalate(undefined, risk.id, { note: 'Forged' }, 'teams'),
    register.close(undefined, risk.id, { reason: 'Forged' }, 'teams'),
    register.decide(undefined, risk.id, { choice: 'accept', rationale: 'Forged' }, 'teams'),
  ];
  for (const attempt of attempts) expect((await rejection(attempt)).code).toBe('not_a_member');
  const after = await register.get(member, risk.id);
  expect(after.title).toBe('Keep me');
  expect(after.status).toBe('open');
  expect(after.history).toHaveLength(1);
});

test('when an admin lowers the appetite, then open risks now above it are escalated and posted, and others are left alone', async () => {
  const below = await register.raise(
    member,
    form({ orgCode: 'ESCC', title: 'Was fine', likelihood: 2, consequence: 3 }),
    'teams',
  );
  const tiny = await register.raise(
    member,
    form({ orgCode: 'ESCC', title: 'Tiny', likelihood: 1, consequence: 1 }),
    'teams',
  );
  expect(below.risk.status).toBe('open');
  const stored = await settings.current(admin);
  posted.length = 0;
  const { escalated } = await register.setAppetite(
    admin,
    { icsWide: '12', organisations: { RXC: '8', ESCC: '4' } },
    stored.etag,
    'teams',
  );
  expect(escalated.map((r) => r.id)).toContain(below.risk.id);
  expect(escalated.map((r) => r.id)).not.toContain(tiny.risk.id);
  expect((await register.get(member, below.risk.id)).escalation?.appetite).toEqual({
    threshold: 4,
    scope: 'organisation',
  });
  expect((await register.get(member, tiny.risk.id)).status).toBe('open');
  expect(posted.map((r) => r.id)).toContain(below.risk.id);
  expect(
    (await rejection(register.setAppetite(member, { icsWide: 1 }, undefined, 'teams'))).code,
  ).toBe('forbidden');
});

describe('who may change a risk', () => {
  const ownMember = member; // RXC
  const otherMember: Member = {
    ...person('00000000-0000-4000-8000-000000000004', 'Dan Whitmore', 'member'),
    orgCode: 'ESCC',
  };
  beforeAll(() => new TableMemberRepository(store).put(otherMember));

  test('when a member of another organisation edits, re-scores, escalates or closes a risk, then each is refused saying who may, and the risk is unchanged', async () => {
    const { risk } = await register.raise(
      ownMember,
      form({ title: 'Not yours', likelihood: 2, consequence: 2 }),
      'teams',
    );
    const attempts = [
      () => register.edit(otherMember, risk.id, { title: 'Forged' }, 'teams'),
      () => register.rescore(otherMember, risk.id, { likelihood: 1, consequence: 1 }, 'teams'),
      () => register.escalate(otherMember, risk.id, { note: 'Forged' }, 'teams'),
      () => register.close(otherMember, risk.id, { reason: 'Forged' }, 'teams'),
      () => register.forEditing(otherMember, risk.id),
    ];
    for (const attempt of attempts) {
      const e = await rejection(attempt());
      expect(e.code).toBe('forbidden');
      expect(e.message).toMatch(
        /^Only members of East Sussex Healthcare NHS Trust \(RXC\) and leads of the ICS cyber group can (edit|re-score|escalate|close) risk R-/,
      );
      expect(e.message).not.toContain('Not yours');
    }
    const after = await register.get(ownMember, risk.id);
    expect(after).toMatchObject({ title: 'Not yours', score: 4, status: 'open' });
    expect(after.history).toHaveLength(1);
  });

  test('when a member of the risk\u2019s organisation or a lead changes it, then it is saved', async () => {
    const { risk } = await register.raise(
      otherMember,
      form({ title: 'Theirs', orgCode: 'ESCC', likelihood: 2, consequence: 2 }),
      'teams',
    );
    expect(
      (await rejection(register.edit(ownMember, risk.id, { owner: 'Me' }, 'teams'))).code,
    ).toBe('forbidden');
    expect(
      (
        await rejection(
          register.rescore(ownMember, risk.id, { likelihood: 2, consequence: 3 }, 'teams'),
        )
      ).code,
    ).toBe('forbidden');
    const byOwn = await register.edit(otherMember, risk.id, { owner: 'Head of ICT' }, 'teams');
    expect(byOwn.risk.owner).toBe('Head of ICT');
    // Kept low: an earlier test set ESCC's appetite to 4.
    const byLead = await register.rescore(
      lead,
      risk.id,
      { likelihood: 1, consequence: 3 },
      'teams',
    );
    expect(byLead.risk).toMatchObject({ score: 3, status: 'open' });
    const byAdmin = await register.close(admin, risk.id, { reason: 'Replaced' }, 'teams');
    expect(byAdmin.risk.status).toBe('closed');
  });

  test('when a risk waits for the leads, then only a lead can edit or re-score it, even from its own organisation', async () => {
    const { risk } = await register.raise(
      ownMember,
      form({ title: 'Waiting', likelihood: 4, consequence: 4 }),
      'teams',
    );
    expect(risk.status).toBe('escalated');
    for (const attempt of [
      () => register.rescore(ownMember, risk.id, { likelihood: 1, consequence: 1 }, 'teams'),
      () => register.edit(ownMember, risk.id, { title: 'Nothing to see' }, 'teams'),
      () => register.forEditing(ownMember, risk.id),
    ]) {
      const e = await rejection(attempt());
      expect(e.code).toBe('forbidden');
      expect(e.message).toBe(
        `Risk ${risk.id} is waiting for a decision from the ICS cyber group, so only its leads can ${e.message.includes('re-score') ? 're-score' : 'edit'} it now. Nothing was changed.`,
      );
    }
    expect(await register.get(ownMember, risk.id)).toMatchObject({ score: 16, title: 'Waiting' });
    const byLead = await register.rescore(
      lead,
      risk.id,
      { likelihood: 4, consequence: 5 },
      'teams',
    );
    expect(byLead.risk).toMatchObject({ score: 20, status: 'escalated' });
  });
});

describe('who a decision is recorded as', () => {
  const escc: Member = {
    ...person('00000000-0000-4000-8000-000000000005', 'Eilidh Grant', 'member'),
    orgCode: 'ESCC',
  };
  beforeAll(() => new TableMemberRepository(store).put(escc));
  const decision = (decidedBy: string, text = `Decided by ${decidedBy}`) => ({
    text,
    rationale: 'Agreed in the chat',
    decidedBy,
    outcome: 'approved',
  });
  const logged = async (text: string) => (await decisions.listAll()).filter((d) => d.text === text);

  test('when the decision form is made, then it offers a member only their own organisation, a lead every one and the group', async () => {
    const codes = async (caller: Member | undefined) => {
      const { organisations, group } = await log.attributionChoices(caller);
      return { organisations: organisations.map((o) => o.code).sort(), group };
    };
    expect(await codes(escc)).toEqual({ organisations: ['ESCC'], group: false });
    expect(await codes({ ...escc, orgCode: '' })).toEqual({ organisations: [], group: false });
    expect(await codes(lead)).toEqual({ organisations: ['ESCC', 'RXC'], group: true });
    expect(await codes(admin)).toEqual({ organisations: ['ESCC', 'RXC'], group: true });
    expect(await codes(undefined)).toEqual({ organisations: [], group: false });
  });

  test('when a member logs a decision as the ICS cyber group\u2019s or another organisation\u2019s, then it is refused and nothing is logged', async () => {
    for (const [decidedBy, maker] of [
      ['ics-cyber-group', 'the ICS cyber group'],
      ['ICS cyber group', 'the ICS cyber group'],
      ['rxc', 'East Sussex Healthcare NHS Trust (RXC)'],
    ] as const) {
      const e = await rejection(log.log(escc, decision(decidedBy, 'Forged attribution'), 'teams'));
      expect(e.code).toBe('forbidden');
      expect(e.message).toBe(
        `Only leads of the ICS cyber group can log a decision as made by ${maker}. Nothing was saved.`,
      );
      expect(e.problems).toEqual([
        'Choose the forum or East Sussex County Council (ESCC) as who decided, or ask a lead to log it.',
      ]);
    }
    expect(await logged('Forged attribution')).toEqual([]);
  });

  test('when a decision names an organisation that does not exist, then the form lists the problem', async () => {
    const e = await rejection(log.log(lead, decision('LEADS'), 'teams'));
    expect(e.code).toBe('validation');
    expect(e.problems).toEqual([
      'There is no organisation with the code LEADS. Choose who decided from the list.',
    ]);
  });

  test('when a member logs for the forum or their own organisation, then it is recorded as theirs: their name and organisation', async () => {
    for (const decidedBy of ['forum', 'ESCC']) {
      const d = await log.log(escc, decision(decidedBy, `Own ${decidedBy}`), 'teams');
      expect(d).toMatchObject({
        decidedBy,
        loggedBy: { id: escc.aadObjectId, name: 'Eilidh Grant', source: 'teams' },
        loggedByOrg: 'ESCC',
      });
      expect(await decisions.get(d.id)).toEqual(d);
    }
  });

  test('when a lead logs the group\u2019s decision, then a member cannot correct it, nor re-attribute their own to the group', async () => {
    const group = await log.log(lead, decision('ics-cyber-group', 'Group decision'), 'teams');
    expect(group).toMatchObject({ decidedBy: 'ics-cyber-group', loggedByOrg: 'RXC' });
    for (const attempt of [
      () => log.forCorrection(escc, group.id),
      () => log.supersede(escc, group.id, { decidedBy: 'ESCC', outcome: 'rejected' }, 'teams'),
    ]) {
      const e = await rejection(attempt());
      expect(e.code).toBe('forbidden');
      expect(e.message).toBe(
        'Only leads of the ICS cyber group can correct a decision of the ICS cyber group. Nothing was saved.',
      );
    }
    const own = await log.log(escc, decision('ESCC', 'Own, to re-attribute'), 'teams');
    const e = await rejection(
      log.supersede(escc, own.id, { decidedBy: 'ics-cyber-group' }, 'teams'),
    );
    expect(e.code).toBe('forbidden');
    const entries = await log.listRecent(lead, 100);
    expect(entries.find((x) => x.decision.id === group.id)?.supersededBy).toBeUndefined();
    expect(entries.find((x) => x.decision.id === own.id)?.supersededBy).toBeUndefined();
    const corrected = await log.supersede(lead, group.id, { outcome: 'deferred' }, 'teams');
    expect(corrected).toMatchObject({ decidedBy: 'ics-cyber-group', supersedes: group.id });
  });
});
