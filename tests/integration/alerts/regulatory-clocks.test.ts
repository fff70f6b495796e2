import { Directory } from '../../../src/app/directory';
import { RegulatoryClocks } from '../../../src/app/regulatory-clocks';
import { raiseAlert, type Alert } from '../../../src/domain/alerts';
import { regulatoryClock } from '../../../src/domain/alerts/regulatory-clocks';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { ALERT_TABLES } from '../../../src/store/alert-rows';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import {
  REGULATORY_CLOCK_TABLE,
  TableRegulatoryClockIndex,
} from '../../../src/store/regulatory-clock-store';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

/*
 * Issue 21: the NIS and data breach clocks against Azurite: flagged from the caller's Entra id, the
 * organisation's leads reminded once at each mark (two instances, a restart), the report stops it.
 */
let store: TableStore;
let stop: () => Promise<void>;
const H = 3_600_000;
const FLAGGED = '2026-12-02T09:00:00.000Z';
const clock = new FakeClock(FLAGGED);

const person = (n: number, name: string, orgCode: string, role: Member['role']): Member => ({
  aadObjectId: `c2c2c2c2-0000-4000-8000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@nhs.net`,
  orgCode,
  role,
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'Cara Jones',
});
const ben = person(1, 'Ben Okafor', 'RXC', 'member');
const lena = person(2, 'Lena Ward', 'RXC', 'lead');
const esme = person(3, 'Esme Hart', 'ESCC', 'lead');
const ivan = person(4, 'Ivan Cole', 'ESCC', 'member');

const directory = { require: Directory.prototype.require };
const sent: { to: string; text: string }[] = [];

/** One app instance: its own objects over the same tables. */
const instance = () =>
  new RegulatoryClocks({
    directory,
    alerts: new TableAlertRepository(store),
    organisations: new TableOrganisationRepository(store),
    members: new TableMemberRepository(store),
    index: new TableRegulatoryClockIndex(store),
    clock,
    async messageMember(to, text) {
      sent.push({ to, text });
    },
  });

const stored = async (id: string): Promise<Alert> =>
  (await new TableAlertRepository(store).get(id))!.alert;

async function newAlert(dedupKey: string, organisations: string[]): Promise<Alert> {
  const { alert } = raiseAlert(
    {
      source: 'incident',
      dedupKey,
      title: 'Ransomware on the file servers',
      severity: 'critical',
      organisations,
    },
    {
      id: `alert-${dedupKey}`,
      actor: { id: 'api', name: 'MSP', source: 'api' },
      at: new Date(FLAGGED),
    },
  );
  const created = await new TableAlertRepository(store).create(alert);
  if (!created.ok) throw new Error('not created');
  return alert;
}

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables();
  await store.createTables([REGULATORY_CLOCK_TABLE, ...Object.values(ALERT_TABLES)]);
  const orgs = new TableOrganisationRepository(store);
  await orgs.create({ code: 'RXC', name: 'ESHT', isOes: true, createdAt: '', createdBy: '' });
  await orgs.create({ code: 'ESCC', name: 'Council', isOes: false, createdAt: '', createdBy: '' });
  const members = new TableMemberRepository(store);
  for (const m of [ben, lena, esme, ivan]) await members.put(m);
});
afterAll(async () => stop());

describe('flagging (Azurite)', () => {
  test('when someone outside the organisations concerned flags the alert, then it is refused and nothing changes', async () => {
    const alert = await newAlert('INC-F1', ['RXC', 'ESCC']);
    // Ivan is a member of ESCC, which is not an operator of essential services: NIS concerns RXC only.
    await expect(instance().flag(ivan, alert.id, 'nis')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(instance().flag(undefined, alert.id, 'ico')).rejects.toMatchObject({
      code: 'not_a_member',
    });
    expect((await stored(alert.id)).timeline).toHaveLength(1);
    expect(await new TableRegulatoryClockIndex(store).listRunning()).toEqual([]);
  });

  test('when no organisation of the alert is an operator of essential services, then NIS cannot be flagged, but a data breach can', async () => {
    const alert = await newAlert('INC-F2', ['ESCC']);
    await expect(instance().flag(esme, alert.id, 'nis')).rejects.toMatchObject({
      code: 'conflict',
    });
    const answer = await instance().flag(ivan, alert.id, 'ico');
    expect(regulatoryClock(answer.alert, 'ico')).toMatchObject({ organisations: ['ESCC'] });
    await instance().report(ivan, alert.id, 'ico', {
      date: '2026-12-02',
      time: '09:00',
      reference: 'ICO-1',
    });
  });
});

describe('reminders and the report (Azurite)', () => {
  let alertId: string;

  test('when a member of the organisation flags it, then the clock starts and is on the timeline', async () => {
    clock.set(FLAGGED);
    alertId = (await newAlert('INC-R1', ['RXC', 'ESCC'])).id;
    const answer = await instance().flag(ben, alertId, 'nis');
    expect(answer.notice.text).toContain('due 5 Dec 2026, 09:00');
    const again = await instance().flag(lena, alertId, 'nis');
    expect(again.notice.text).toBe(
      'Ben Okafor already flagged this alert (NIS) at 2 Dec 2026, 09:00.',
    );
    const clockNow = regulatoryClock(await stored(alertId), 'nis');
    expect(clockNow).toMatchObject({ flaggedBy: { name: 'Ben Okafor' }, organisations: ['RXC'] });
    expect(
      (await new TableRegulatoryClockIndex(store).listRunning()).map((r) => r.alertId),
    ).toEqual([alertId]);
  });

  test('when two instances look at each mark, then the organisation’s leads get each reminder once', async () => {
    clock.set(new Date(Date.parse(FLAGGED) + 24 * H - 60_000));
    expect(await instance().remindDue()).toBe(0);
    clock.set(new Date(Date.parse(FLAGGED) + 24 * H));
    const counts = await Promise.all([instance().remindDue(), instance().remindDue()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    // Only RXC's lead: ESCC's lead is not concerned by the NIS clock.
    expect(sent.map((s) => s.to)).toEqual([lena.aadObjectId]);
    expect(sent[0]!.text).toContain('24 hours since INC-R1');
    expect(sent[0]!.text).toContain('48 hours left');
    // A restart: a new instance finds the reminder on the timeline and sends nothing.
    expect(await instance().remindDue()).toBe(0);
    clock.set(new Date(Date.parse(FLAGGED) + 48 * H));
    expect(await Promise.all([instance().remindDue(), instance().remindDue()])).toEqual(
      expect.arrayContaining([1, 0]),
    );
    expect(await instance().remindDue()).toBe(0);
    expect(sent).toHaveLength(2);
    const reminded = (await stored(alertId)).timeline.filter(
      (e) => e.kind === 'regulatory.reminded',
    );
    expect(reminded.map((e) => (e.kind === 'regulatory.reminded' ? e.mark : 0))).toEqual([24, 48]);
    expect(reminded[0]).toMatchObject({
      recipients: [{ id: lena.aadObjectId, name: 'Lena Ward' }],
      actor: { source: 'job' },
    });
  });

  test('when a member of another organisation records the report, then it is refused', async () => {
    await expect(
      instance().report(ivan, alertId, 'nis', {
        date: '2026-12-04',
        time: '09:30',
        reference: 'FORGED',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(regulatoryClock(await stored(alertId), 'nis')?.report).toBeUndefined();
  });

  test('when the report is recorded, then no further reminder is sent', async () => {
    clock.set(new Date(Date.parse(FLAGGED) + 50 * H));
    const answer = await instance().report(lena, alertId, 'nis', {
      date: '2026-12-04',
      time: '10:30',
      reference: 'NCSC-2026-0042',
    });
    expect(answer.notice.text).toContain('reference NCSC-2026-0042');
    expect(await new TableRegulatoryClockIndex(store).listRunning()).toEqual([]);
    for (const hours of [60, 70, 80]) {
      clock.set(new Date(Date.parse(FLAGGED) + hours * H));
      expect(await instance().remindDue()).toBe(0);
    }
    expect(sent).toHaveLength(2);
    expect(regulatoryClock(await stored(alertId), 'nis')?.report).toMatchObject({
      reportedAt: '2026-12-04T10:30:00.000Z',
      reference: 'NCSC-2026-0042',
      recordedBy: { name: 'Lena Ward' },
    });
  });

  test('when a clock is never reported, then the 60 and 70 hour reminders come and the job then lets it go', async () => {
    clock.set(FLAGGED);
    const id = (await newAlert('INC-R2', ['RXC'])).id;
    await instance().flag(lena, id, 'ico');
    sent.length = 0;
    // Nothing ran for the first 60 hours: one reminder says where the clock stands, not three late ones.
    clock.set(new Date(Date.parse(FLAGGED) + 61 * H));
    expect(await instance().remindDue()).toBe(1);
    clock.set(new Date(Date.parse(FLAGGED) + 70 * H));
    expect(await instance().remindDue()).toBe(1);
    expect(sent.map((s) => s.text.slice(0, 40))).toEqual([
      expect.stringContaining('Reminder, 60 hours'),
      expect.stringContaining('Reminder, 70 hours'),
    ]);
    expect(await new TableRegulatoryClockIndex(store).listRunning()).toEqual([]);
  });
});

describe('the operator of essential services mark (Azurite)', () => {
  test('when an admin marks an organisation, then its alerts can be flagged under NIS; a lead cannot mark one', async () => {
    const orgs = new TableOrganisationRepository(store);
    const dir = new Directory(orgs, new TableMemberRepository(store), clock, []);
    const cara = person(5, 'Cara Jones', 'RXC', 'admin');
    await expect(dir.setEssentialServices(esme, 'escc', true)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await orgs.get('ESCC'))?.isOes).toBe(false);
    await expect(dir.setEssentialServices(cara, 'NOPE', true)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await dir.setEssentialServices(cara, 'escc', true)).toMatchObject({
      code: 'ESCC',
      name: 'Council',
      isOes: true,
    });
    const alert = await newAlert('INC-E1', ['ESCC']);
    const answer = await instance().flag(ivan, alert.id, 'nis');
    expect(regulatoryClock(answer.alert, 'nis')).toMatchObject({ organisations: ['ESCC'] });
    await dir.setEssentialServices(cara, 'ESCC', false);
    expect((await orgs.get('ESCC'))?.isOes).toBe(false);
  });
});
