import { AlertEscalation } from '../../../src/app/alerts/alert-escalation';
import { RotaOnCallSource } from '../../../src/app/rota/rota-on-call-source';
import { ON_CALL_REUSE_MS, type RotaService } from '../../../src/app/rota/rota-service';
import type { EscalationTarget } from '../../../src/domain/alerts';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { TableRotationRepository } from '../../../src/store/rota-repositories';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { dailyRotation, rotaMember, rotaServiceOn, seedRota } from '../../helpers/rota-fixtures';

/*
 * Who the escalation pages, layer by layer, from a rota kept in Azurite: covers, leave and `rota add`
 * change the layers, and a step that targets a layer pages that layer (or the fallback for a gap).
 */

const person = (n: number, name: string, role: Member['role']): Member =>
  rotaMember(`${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-000000000000`, name, role);
const JANE = person(1, 'Jane Smith', 'member');
const BOB = person(2, 'Bob Jones', 'member');
const PRIYA = person(3, 'Priya Patel', 'member');
const TOM = person(4, 'Tom Reed', 'member');
const LEE = person(5, 'Lee Lead', 'lead');

const primary: EscalationTarget[] = [{ kind: 'primary' }];
const secondary: EscalationTarget[] = [{ kind: 'secondary' }];

let store: TableStore;
let stop: () => Promise<void>;
let rota: RotaService;
let source: RotaOnCallSource;
let escalation: AlertEscalation;

/** A day of its own for each test, so the covers and leave of one never touch another. */
const day = (d: number, hhmm = '12:00') =>
  new Date(`2026-12-${String(d).padStart(2, '0')}T${hhmm}:00Z`);
const ids = (members: Member[]) => members.map((m) => m.aadObjectId);
const names = async (targets: EscalationTarget[], at: Date) =>
  (await escalation.recipients(targets, at)).people.map((p) => p.name);

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  const seeded = await seedRota(store, {
    people: [JANE, BOB, PRIYA, TOM, LEE],
    clock: new FakeClock('2026-11-28T12:00:00Z'),
  });
  rota = seeded.rota;
  const members = seeded.members;
  // Jane is primary every day (a one-person rotation keeps each day's answer plain); Priya secondary.
  for (const [layer, who] of [
    ['primary', JANE],
    ['secondary', PRIYA],
  ] as const)
    await rota.setupRotation(LEE, dailyRotation(layer, [who.aadObjectId]));
  source = new RotaOnCallSource(rota);
  const unused = () => Promise.reject(new Error('not used here'));
  escalation = new AlertEscalation({
    alerts: {
      get: unused,
      findByDedupKey: unused,
      create: unused,
      update: unused,
      listOpen: unused,
    },
    notifier: {
      postToChannel: unused,
      refreshCard: unused,
      page: unused,
      messageMember: unused,
      replyInThread: unused,
    },
    timers: {
      set: unused,
      clear: unused,
      due: unused,
      claim: unused,
      release: unused,
      alertIds: unused,
    },
    policies: { all: async () => ({}), set: unused },
    onCall: source,
    members,
  });
});
afterAll(() => stop());

test('when each layer has one person, then the primary step pages the primary and the secondary step the secondary', async () => {
  expect(await source.onCallNow(day(1))).toEqual({
    primary: ids([JANE]),
    secondary: ids([PRIYA]),
  });
  expect(await names(primary, day(1))).toEqual(['Jane Smith']);
  expect(await names(secondary, day(1))).toEqual(['Priya Patel']);
});

test('when a lead adds a second primary (rota add), then the primary step pages both and the secondary step still pages only the secondary', async () => {
  await rota.addOverride(LEE, {
    kind: 'add',
    memberId: BOB.aadObjectId,
    layer: 'primary',
    start: day(2, '09:00'),
    end: day(3, '09:00'),
  });
  expect(await source.onCallNow(day(2))).toEqual({
    primary: ids([JANE, BOB]),
    secondary: ids([PRIYA]),
  });
  expect(await names(primary, day(2))).toEqual(['Jane Smith', 'Bob Jones']);
  expect(await names(secondary, day(2))).toEqual(['Priya Patel']);
});

test('when someone covers the primary, then the cover is paged in the primary layer', async () => {
  await rota.cover(LEE, {
    memberId: TOM.aadObjectId,
    coveredMemberId: JANE.aadObjectId,
    start: day(4, '09:00'),
    end: day(5, '09:00'),
  });
  expect(await source.onCallNow(day(4))).toEqual({
    primary: ids([TOM]),
    secondary: ids([PRIYA]),
  });
  expect(await names(primary, day(4))).toEqual(['Tom Reed']);
});

test('when the primary is on leave with nobody covering, then the primary layer is a gap and the primary step pages the secondary, with a gap for the leads', async () => {
  await rota.addLeave(JANE, { start: day(6, '09:00'), end: day(7, '09:00') });
  expect(await source.onCallNow(day(6))).toEqual({ primary: [], secondary: ids([PRIYA]) });
  const step = await escalation.recipients(primary, day(6));
  expect(step.people.map((p) => p.name)).toEqual(['Priya Patel']);
  expect(step.gaps).toEqual([{ gap: 'primary', pagedInstead: 'secondary' }]);
  expect(step.leads).toEqual(ids([LEE]));
});

test('when the secondary is taken off call, then the secondary step pages the leads', async () => {
  await rota.addOverride(LEE, {
    kind: 'remove',
    memberId: PRIYA.aadObjectId,
    layer: 'secondary',
    start: day(8, '09:00'),
    end: day(9, '09:00'),
  });
  expect(await source.onCallNow(day(8))).toEqual({ primary: ids([JANE]), secondary: [] });
  const step = await escalation.recipients(secondary, day(8));
  expect(step.people.map((p) => p.name)).toEqual(['Lee Lead']);
  expect(step.gaps).toEqual([{ gap: 'secondary', pagedInstead: 'leads' }]);
});

test('when nobody is on call in either layer, then a primary step pages the leads', async () => {
  await rota.addLeave(LEE, {
    memberId: JANE.aadObjectId,
    start: day(10, '09:00'),
    end: day(11, '09:00'),
  });
  await rota.addLeave(LEE, {
    memberId: PRIYA.aadObjectId,
    start: day(10, '09:00'),
    end: day(11, '09:00'),
  });
  expect(await source.onCallNow(day(10))).toEqual({ primary: [], secondary: [] });
  const step = await escalation.recipients(primary, day(10));
  expect(step.people.map((p) => p.name)).toEqual(['Lee Lead']);
  expect(step.gaps).toEqual([{ gap: 'both', pagedInstead: 'leads' }]);
});

describe('looks at once (a storm paging many alerts)', () => {
  afterEach(() => jest.restoreAllMocks());

  test('when many looks are made at once, then they share one reading of the rota and agree', async () => {
    const list = jest.spyOn(TableRotationRepository.prototype, 'list');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => source.onCallNow(new Date(day(20).getTime() + i))),
    );
    expect(list).toHaveBeenCalledTimes(1);
    for (const a of answers) expect(a).toEqual({ primary: ids([JANE]), secondary: ids([PRIYA]) });
  });

  test('when the rota changes here while a look is in flight, then a look made after the change reads afresh and sees it', async () => {
    const original = TableRotationRepository.prototype.list;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(TableRotationRepository.prototype, 'list').mockImplementationOnce(async function (
      this: TableRotationRepository,
    ) {
      await held;
      return original.call(this);
    });
    const before = source.onCallNow(day(22));
    await rota.cover(LEE, {
      memberId: TOM.aadObjectId,
      coveredMemberId: JANE.aadObjectId,
      start: day(22, '09:00'),
      end: day(23, '09:00'),
    });
    const after = source.onCallNow(new Date(day(22).getTime() + 1));
    release();
    expect((await after).primary).toEqual(ids([TOM]));
    await before;
  });

  test('when looks follow one another within a second, then the reading is used again; from a second after it, the rota is read afresh', async () => {
    const list = jest.spyOn(TableRotationRepository.prototype, 'list');
    const at = (ms: number) => new Date(day(24).getTime() + ms);
    await source.onCallNow(at(0));
    await source.onCallNow(at(ON_CALL_REUSE_MS - 1));
    expect(list).toHaveBeenCalledTimes(1);
    await source.onCallNow(at(ON_CALL_REUSE_MS));
    expect(list).toHaveBeenCalledTimes(2);
  });

  test('when the rota changes through another instance, then pages see it within a second; changed here, at once', async () => {
    const at = (ms: number) => new Date(day(26).getTime() + ms);
    expect((await source.onCallNow(at(0))).primary).toEqual(ids([JANE]));
    // Another instance's cover: nothing tells this one.
    await rotaServiceOn(store, {
      clock: new FakeClock(day(26)),
      ids: { next: () => 'other-instance-cover' },
    }).rota.cover(LEE, {
      memberId: TOM.aadObjectId,
      coveredMemberId: JANE.aadObjectId,
      start: day(26, '09:00'),
      end: day(27, '09:00'),
    });
    expect((await source.onCallNow(at(500))).primary).toEqual(ids([JANE]));
    expect((await source.onCallNow(at(ON_CALL_REUSE_MS))).primary).toEqual(ids([TOM]));

    // Leave taken here: the next look, a millisecond later, reads afresh.
    await rota.addLeave(LEE, {
      memberId: TOM.aadObjectId,
      start: day(26, '09:00'),
      end: day(27, '09:00'),
    });
    expect((await source.onCallNow(at(ON_CALL_REUSE_MS + 1))).primary).toEqual([]);
  });
});
