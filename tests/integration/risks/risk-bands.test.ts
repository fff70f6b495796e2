import type { TurnContext } from 'botbuilder';
import pino from 'pino';
import { Directory } from '../../../src/app/directory';
import { DecisionLog } from '../../../src/app/risks/decision-log';
import type { RiskEscalationNotifier } from '../../../src/app/risks/ports';
import { RiskRegister } from '../../../src/app/risks/risk-register';
import { RiskSettings } from '../../../src/app/risks/risk-settings';
import type { BotFeature, BotTurn } from '../../../src/bot/bot-feature';
import { risksFeature } from '../../../src/bot/risks/risks-feature';
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
import { validateCard } from '../../helpers/card-validator';
import { cardText } from '../../helpers/stack';

let store: TableStore;
let stop: () => Promise<void>;
const clock = new FakeClock('2026-11-28T09:00:00Z');
let n = 0;
const ids = { next: () => (++n).toString(16).padStart(8, '0') + '-0000-4000-8000-000000000000' };
const notifier: RiskEscalationNotifier = {
  postEscalation: async () => undefined,
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
const member = person('00000000-0000-4000-8000-000000000011', 'Ben Okafor', 'member');
const lead = person('00000000-0000-4000-8000-000000000012', 'Chloë Davies', 'lead');
const admin = person('00000000-0000-4000-8000-000000000013', 'Asha Patel', 'admin');

let feature: BotFeature;
let register: RiskRegister;
let settings: RiskSettings;

const turnOf = (caller: Member | undefined): BotTurn => ({
  context: {} as TurnContext,
  caller: async () => caller,
});
const run = (name: string, caller: Member | undefined) =>
  feature.runCommand!(name, '', turnOf(caller));
const press = (verb: string, data: Record<string, unknown>, caller: Member | undefined) =>
  feature.verbs![verb]!(data, turnOf(caller));
/** The etag the admin's bands form carries on its Save button. */
const etagOn = (card: unknown): string =>
  String((card as { actions: { data: { etag: string } }[] }).actions[0]!.data.etag);

const NEW_BANDS = {
  band1_name: 'Low',
  band1_min: '1',
  band1_max: '4',
  band2_name: 'moderate',
  band2_min: '5',
  band2_max: '9',
  band3_name: 'high',
  band3_min: '10',
  band3_max: '16',
  band4_name: 'extreme',
  band4_min: '20',
  band4_max: '25',
};

async function raise(title: string, likelihood: number, consequence: number) {
  return (
    await register.raise(
      member,
      {
        title,
        description: 'Out of support.',
        orgCode: 'RXC',
        cafPrinciple: 'B4',
        likelihood,
        consequence,
        owner: 'Head of IT',
        mitigations: '',
        reviewDate: '2027-01-31',
      },
      'teams',
    )
  ).risk;
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
  const directory = new Directory(orgs, members, clock, []);
  const log = new DecisionLog(new TableDecisionRepository(store), directory, clock, ids);
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
  feature = risksFeature({
    register,
    decisions: log,
    settings,
    directory,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(() => stop());

test('when a member or a lead forges a bands save, then it is refused and the risks keep their bands', async () => {
  await raise('Legacy PACS server', 3, 3);
  const form = await run('bands', admin);
  for (const caller of [member, lead, undefined]) {
    const refused = await press('bands.set', { ...NEW_BANDS, etag: etagOn(form) }, caller).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCtacError(refused) && refused.message).toMatch(
      /Only (admins|CTAC members) can change the risk bands/,
    );
  }
  expect(await run('bands', member).catch((e: Error) => e.message)).toBe(
    'Only admins can change the risk bands.',
  );
  expect((await settings.policy()).bands.map((b) => b.name)).toEqual([
    'low',
    'moderate',
    'high',
    'extreme',
  ]);
  expect(cardText(await run('risks', member))).toContain('9 High');
});

test('when an admin leaves gaps and overlaps, then the form lists each problem with the typed values kept and nothing is saved', async () => {
  const form = await run('bands', admin);
  expect(validateCard(form)).toEqual([]);
  expect(cardText(form)).toContain(
    'In force now: Low 1-3, Moderate 4-6, High 8-12, Extreme 15-25.',
  );
  const shown = await press(
    'bands.set',
    {
      band1_name: 'low',
      band1_min: '1',
      band1_max: '5',
      band3_name: 'serious',
      band3_min: '5',
      band3_max: '12',
      band4_name: '',
      band4_min: '',
      band4_max: '',
      etag: etagOn(form),
    },
    admin,
  );
  expect(validateCard(shown)).toEqual([]);
  const text = cardText(shown);
  expect(text).toContain('No band covers the score(s) 15, 16, 20, 25.');
  expect(text).toContain('More than one band covers the score(s) 5.');
  const json = JSON.stringify(shown);
  // The second row typed comes back as band 2, so the problems and the form agree.
  expect(json).toContain(
    '"id":"band2_name","label":"Band 2","placeholder":"Name, e.g. high","maxLength":40,"value":"serious"',
  );
  expect(json).toMatch(/"id":"band2_max"[^}]*"value":12/);
  expect(cardText(await run('risks', member))).toContain('9 High');
});

test('when an admin saves new bands, then risks shows every open risk in its new band at once, and its history keeps the old one', async () => {
  const form = await run('bands', admin);
  const saved = await press('bands.set', { ...NEW_BANDS, etag: etagOn(form) }, admin);
  expect(cardText(saved)).toContain(
    'The bands are now Low 1-4, Moderate 5-9, High 10-16, Extreme 20-25.',
  );
  expect(cardText(saved)).toContain('Saved by Asha Patel.');

  const list = cardText(await run('risks', member));
  expect(list).toContain('9 Moderate');
  expect(list).not.toContain('9 High');
  const [listed] = await register.listOpen(member);
  expect(listed!.band).toBe('moderate');
  const open = await register.get(member, listed!.id);
  expect(cardText(await press('risk.show', { riskId: open.id }, member))).toContain(
    'Score 9 (Moderate)',
  );
  expect(open.history[0]).toMatchObject({ kind: 'raised', rating: { band: 'high' } });

  const fresh = await raise('Shared admin account', 4, 4);
  expect(fresh.band).toBe('high');

  // A second admin working from the old form is told, and the new bands stay.
  const stale = await press(
    'bands.set',
    { ...NEW_BANDS, band1_max: '3', band2_min: '4', etag: etagOn(form) },
    admin,
  );
  expect(cardText(stale)).toContain(
    'Asha Patel changed the risk settings while you were editing the risk bands',
  );
  expect(bandsOf(await settings.policy())).toBe('1-4 5-9 10-16 20-25');
});

const bandsOf = (p: { bands: readonly { min: number; max: number }[] }) =>
  p.bands.map((b) => `${b.min}-${b.max}`).join(' ');
