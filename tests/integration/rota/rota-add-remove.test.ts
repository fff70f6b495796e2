import type { RotaService } from '../../../src/app/rota/rota-service';
import type { BotTurn } from '../../../src/bot/bot-feature';
import { rotaFeature } from '../../../src/bot/rota/rota-feature';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { BOB, dailyRotation, JANE, LEE, seedRota } from '../../helpers/rota-fixtures';
import { cardText } from '../../helpers/stack';
import pino from 'pino';

let store: TableStore;
let stop: () => Promise<void>;
let rota: RotaService;
let feature: ReturnType<typeof rotaFeature>;

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  ({ rota } = await seedRota(store, {
    people: [JANE, BOB, LEE],
    clock: new FakeClock('2026-11-28T12:00:00Z'),
  }));
  await rota.setupRotation(LEE, dailyRotation('primary', [JANE.aadObjectId]));
  feature = rotaFeature({ rota, logger: pino({ level: 'silent' }) });
});
afterAll(() => stop());

const turn = (who: Member | undefined): BotTurn =>
  ({
    context: { activity: { entities: [], recipient: { id: 'bot' } } },
    caller: async () => who,
  }) as unknown as BotTurn;
const say = async (who: Member, command: string, args: string) =>
  cardText(await feature.runCommand!(command, args, turn(who)));
const press = async (who: Member | undefined, verb: string, data: Record<string, unknown>) =>
  cardText(await feature.verbs![verb]!({ verb, ...data }, turn(who)));

test('when a lead adds someone to the secondary layer for a time, then they are on call then and it can be undone', async () => {
  const saved = await say(
    LEE,
    'rota add',
    'Bob Jones secondary 1/12/2026 09:00 to 2/12/2026 09:00',
  );
  expect(saved).toContain('Bob Jones added to the secondary rota');
  expect(saved).toContain('1 Dec 2026, 09:00');
  const during = await rota.whoIsOnCall(new Date('2026-12-01T10:00:00Z'));
  expect(during.secondary.onCall.map((o) => o.memberId)).toEqual([BOB.aadObjectId]);
  expect(during.primary.onCall.map((o) => o.memberId)).toEqual([JANE.aadObjectId]);

  const changes = await feature.runCommand!('rota changes', '', turn(JANE));
  expect(cardText(changes)).toContain('Bob Jones added to secondary');
  const id = /"id":"(id-\d+)"/.exec(JSON.stringify(changes))?.[1];
  expect(id).toBeDefined();
  expect(await press(LEE, 'rota.change.undo', { kind: 'override', id })).toContain(
    'Change taken back',
  );
  const after = await rota.whoIsOnCall(new Date('2026-12-01T10:00:00Z'));
  expect(after.secondary.onCall).toEqual([]);
});

test('when a lead takes the primary off call on the form, then that time is a gap', async () => {
  const saved = await press(LEE, 'rota.remove', {
    memberId: JANE.aadObjectId,
    layer: 'both',
    from: '3/12/2026 09:00',
    to: '3/12/2026 17:00',
  });
  expect(saved).toContain('Jane Smith taken off call');
  const during = await rota.whoIsOnCall(new Date('2026-12-03T10:00:00Z'));
  expect(during.primary.onCall).toEqual([]);
  expect(cardText(await feature.runCommand!('rota changes', '', turn(JANE)))).toContain(
    'Jane Smith taken off call',
  );
});

test('when the form has unreadable dates or no layer for an add, then it comes back with the problem and what was typed', async () => {
  const dates = await press(LEE, 'rota.add', {
    memberId: BOB.aadObjectId,
    layer: 'primary',
    from: 'someday',
    to: '5/12/2026 09:00',
  });
  expect(dates).toContain('Add someone to the rota');
  expect(dates).toContain('someday');
  const layer = await press(LEE, 'rota.add', {
    memberId: BOB.aadObjectId,
    layer: 'both',
    from: '5/12/2026 09:00',
    to: '6/12/2026 09:00',
  });
  expect(layer).toContain('Say which layer to add the person to.');
  expect(
    (await rota.changesBetween(new Date('2026-12-05T00:00:00Z'), new Date('2026-12-07T00:00:00Z')))
      .overrides,
  ).toEqual([]);
});

test('when a member or a stranger asks for the form or forges a save, then they are refused and nothing changes', async () => {
  const before = (
    await rota.changesBetween(new Date('2026-11-28T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))
  ).overrides.length;
  await expect(feature.runCommand!('rota add', '', turn(BOB))).rejects.toMatchObject({
    code: 'forbidden',
  });
  await expect(
    feature.runCommand!('rota remove', 'Jane Smith 7/12/2026 09:00 to 8/12/2026 09:00', turn(BOB)),
  ).rejects.toMatchObject({ code: 'forbidden' });
  for (const who of [BOB, undefined])
    await expect(
      feature.verbs!['rota.add']!(
        {
          verb: 'rota.add',
          memberId: BOB.aadObjectId,
          layer: 'primary',
          from: '7/12/2026 09:00',
          to: '8/12/2026 09:00',
        },
        turn(who),
      ),
    ).rejects.toMatchObject({ code: who ? 'forbidden' : 'not_a_member' });
  const after = (
    await rota.changesBetween(new Date('2026-11-28T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))
  ).overrides.length;
  expect(after).toBe(before);
});
