import { DsptStatuses } from '../../../src/app/dspt';
import { Directory } from '../../../src/app/directory';
import {
  SupplierReminders,
  Suppliers,
  type SupplierReminderNotifier,
} from '../../../src/app/suppliers';
import { raiseAlert } from '../../../src/domain/alerts';
import type { Member } from '../../../src/domain/people/member';
import type { Organisation } from '../../../src/domain/people/organisation';
import { raiseRisk } from '../../../src/domain/risk';
import { FakeClock } from '../../../src/domain/shared/clock';
import type { SupplierInput } from '../../../src/domain/suppliers';
import { SupplierReminderJob } from '../../../src/jobs/supplier-reminder-job';
import { ALERT_TABLES } from '../../../src/store/alert-rows';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import {
  SUPPLIER_TABLES,
  TableDsptRepository,
  TableSupplierReminderLog,
  TableSupplierRepository,
} from '../../../src/store/supplier-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

/* Issue 20: the critical supplier register, its reminders and each organisation's DSPT status, against Azurite. */
let store: TableStore;
let stop: () => Promise<void>;
const clock = new FakeClock('2026-12-03T09:00:00Z');

const person = (n: number, name: string, role: Member['role'], orgCode = 'RXC'): Member => ({
  aadObjectId: `c2c2c2c2-0000-4000-8000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@nhs.net`,
  orgCode,
  role,
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'Asha Patel',
});
const asha = person(1, 'Asha Patel', 'lead');
const ben = person(2, 'Ben Okafor', 'member');
const cara = person(3, 'Cara Jones', 'admin', '');
const dev = person(4, 'Dev Shah', 'lead', 'ESCC');

const org = (code: string, name: string): Organisation => ({
  code,
  name,
  isOes: false,
  createdAt: '2026-11-01T09:00:00Z',
  createdBy: 'Cara Jones',
});
const directory = {
  require: Directory.prototype.require,
  listOrganisations: async () => [
    org('RXC', 'East Sussex Healthcare'),
    org('ESCC', 'East Sussex CC'),
  ],
};

const input = (over: Partial<SupplierInput> = {}): SupplierInput => ({
  name: 'Acme Pathology',
  supplies: 'Pathology LIMS, hosted',
  orgCodes: 'RXC,ESCC',
  criticality: 'critical',
  incidentContact: 'Service desk 0800 000 000',
  nextReview: '2027-01-02',
  iso27001Expires: '2026-12-10',
  ...over,
});

const suppliers = () =>
  new Suppliers({
    directory,
    repository: new TableSupplierRepository(store),
    risks: new TableRiskRepository(store),
    alerts: new TableAlertRepository(store),
    clock,
  });

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([
    ...Object.values(SUPPLIER_TABLES),
    RISK_TABLE,
    ...Object.values(ALERT_TABLES),
  ]);
});
afterAll(async () => stop());

describe('the supplier register (Azurite)', () => {
  test('when a lead adds a supplier and another edits it, then members see the change', async () => {
    const added = await suppliers().add(asha, input());
    expect(added).toMatchObject({
      id: 'acme-pathology',
      orgCodes: ['RXC', 'ESCC'],
      addedBy: { name: 'Asha Patel' },
      evidence: [{ kind: 'iso27001', expires: '2026-12-10' }],
    });
    clock.advance(60_000);
    const edited = await suppliers().edit(cara, 'acme-pathology', input({ criticality: 'high' }));
    expect(edited).toMatchObject({ criticality: 'high', updatedBy: { name: 'Cara Jones' } });
    await suppliers().add(
      dev,
      input({ name: 'Zed Networks', nextReview: '2027-03-01', iso27001Expires: '' }),
    );
    expect((await suppliers().list(ben)).map((s) => [s.name, s.criticality])).toEqual([
      ['Zed Networks', 'critical'],
      ['Acme Pathology', 'high'],
    ]);
  });

  test('when the same name is added again, then it is refused and the first stays', async () => {
    await expect(suppliers().add(dev, input({ criticality: 'low' }))).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await suppliers().page(ben, 'Acme Pathology'))?.supplier.criticality).toBe('high');
  });

  test('when an edit was read before someone else saved, then it is refused', async () => {
    const stale = (await suppliers().forEditing(asha, 'acme-pathology'))!.etag;
    await suppliers().edit(
      asha,
      'acme-pathology',
      input({ criticality: 'high', supplies: 'LIMS' }),
    );
    await expect(
      suppliers().edit(dev, 'acme-pathology', input({ criticality: 'low' }), stale),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  test('when a member who is not a lead adds or edits, then it is refused before anything is saved', async () => {
    await expect(suppliers().add(ben, input({ name: 'Ben Ltd' }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(suppliers().edit(ben, 'acme-pathology', input())).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(suppliers().forEditing(ben, 'acme-pathology')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(suppliers().list(undefined)).rejects.toMatchObject({ code: 'not_a_member' });
    expect(await suppliers().page(ben, 'Ben Ltd')).toBeUndefined();
  });

  test('when the form carries an organisation code not in the directory, then it is refused', async () => {
    await expect(
      suppliers().add(asha, input({ name: 'Forged Ltd', orgCodes: 'RXC,EVIL' })),
    ).rejects.toMatchObject({
      code: 'validation',
      problems: ['Organisations: EVIL is not an organisation in CTAC.'],
    });
    expect(await suppliers().page(ben, 'Forged Ltd')).toBeUndefined();
  });

  test('a supplier’s page lists the open risks naming it and the open alerts mentioning it', async () => {
    const risks = new TableRiskRepository(store);
    const actor = { id: asha.aadObjectId, name: asha.name, source: 'teams' as const };
    const raise = (id: string, supplier?: string) =>
      raiseRisk(
        {
          title: `Risk ${id}`,
          description: 'LIMS on an old platform',
          orgCode: 'RXC',
          cafPrinciple: 'A4',
          likelihood: 2,
          consequence: 2,
          owner: 'CIO',
          reviewDate: '2027-02-01',
          supplier,
        },
        { id, actor, at: clock.now() },
      ).risk;
    await risks.create(raise('RSK-1', 'acme pathology'));
    await risks.create(raise('RSK-2', 'Zed Networks'));
    await risks.create(raise('RSK-3'));
    const alerts = new TableAlertRepository(store);
    const alert = (id: string, title: string) =>
      raiseAlert(
        { source: 'incident', dedupKey: id, title, severity: 'high' },
        { id, actor: { id: 'api', name: 'MSP', source: 'api' }, at: clock.now() },
      ).alert;
    await alerts.create(alert('A1', 'Acme Pathology LIMS unreachable after ransomware'));
    await alerts.create(alert('A2', 'Phishing campaign'));
    const page = (await suppliers().page(ben, 'Acme Pathology'))!;
    expect(page.risks.map((r) => r.id)).toEqual(['RSK-1']);
    expect(page.alerts.map((a) => a.id)).toEqual(['A1']);
  });
});

describe('supplier reminders (Azurite)', () => {
  const sent: string[] = [];
  const notifier: SupplierReminderNotifier = {
    remindLeads: async (s, r) => {
      sent.push(`${s.id} ${r.what} ${r.window}`);
    },
  };
  const job = () =>
    new SupplierReminderJob({
      reminders: new SupplierReminders({
        repository: new TableSupplierRepository(store),
        log: new TableSupplierReminderLog(store),
        notifier,
        clock,
      }),
      clock,
    });

  test('when two instances tick on the same day, then each reminder is sent once, and the 7-day one later', async () => {
    sent.length = 0;
    const at = new Date('2026-12-03T09:00:00Z');
    const counts = await Promise.all([job().tick(at), job().tick(at), job().tick(at)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(sent.length);
    // Acme's ISO 27001 runs out on 10 December (7 days); its review is on 2 January (30 days).
    expect(sent.sort()).toEqual(['acme-pathology iso27001 7', 'acme-pathology review 30']);
    expect(await job().tick(new Date('2026-12-04T09:00:00Z'))).toBe(0);
    expect(await job().tick(new Date('2026-12-26T09:00:00Z'))).toBe(1);
    expect(sent).toContain('acme-pathology review 7');
  });

  test('when the notifier fails, then the claim is given back and the next pass sends it', async () => {
    await suppliers().add(
      asha,
      input({ name: 'Fail Co', nextReview: '2027-01-20', iso27001Expires: '' }),
    );
    let fail = true;
    const reminders = new SupplierReminders({
      repository: new TableSupplierRepository(store),
      log: new TableSupplierReminderLog(store),
      notifier: {
        remindLeads: async (s, r) => {
          if (fail) throw new Error('outbox down');
          sent.push(`${s.id} ${r.what} ${r.window}`);
        },
      },
      clock,
    });
    const at = new Date('2026-12-26T10:00:00Z');
    await expect(reminders.remindDue(at)).rejects.toThrow('outbox down');
    fail = false;
    expect(await reminders.remindDue(at)).toBe(1);
    expect(sent).toContain('fail-co review 30');
  });
});

describe('DSPT statuses (Azurite)', () => {
  const dspt = () =>
    new DsptStatuses({ directory, repository: new TableDsptRepository(store), clock });

  test('when a lead records their organisation’s status twice, then the latest shows and both are kept', async () => {
    await dspt().record(asha, { status: 'not-met', assessedOn: '2026-06-30' });
    clock.advance(60_000);
    await dspt().record(asha, { status: 'met' });
    expect((await dspt().list(ben)).get('RXC')).toMatchObject({
      status: 'met',
      assessedOn: '2026-12-03',
      recordedBy: { name: 'Asha Patel' },
    });
    expect((await dspt().history(ben, 'rxc')).map((r) => r.status)).toEqual(['met', 'not-met']);
  });

  test('when a lead names another organisation, then it is refused; an admin may', async () => {
    await expect(dspt().record(asha, { orgCode: 'ESCC', status: 'met' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(dspt().record(ben, { status: 'met' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(dspt().record(cara, { status: 'met' })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(dspt().record(cara, { orgCode: 'NOPE', status: 'met' })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(
      dspt().record(dev, { status: 'met', assessedOn: '2027-01-01' }),
    ).rejects.toMatchObject({ code: 'validation' });
    await dspt().record(cara, { orgCode: 'ESCC', status: 'exceeded', assessedOn: '2026-11-30' });
    expect((await dspt().dsptStatuses()).map((r) => [r.orgCode, r.status])).toEqual([
      ['ESCC', 'exceeded'],
      ['RXC', 'met'],
    ]);
  });
});
