import { Directory } from '../../../src/app/directory';
import { Procedures } from '../../../src/app/procedures';
import { Runbooks } from '../../../src/app/runbooks';
import { raiseAlert, type Alert } from '../../../src/domain/alerts';
import type { Member } from '../../../src/domain/people/member';
import type { ProcedureInput } from '../../../src/domain/procedures';
import { FakeClock } from '../../../src/domain/shared/clock';
import { CtacError } from '../../../src/domain/shared/errors';
import { ALERT_TABLES } from '../../../src/store/alert-rows';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { PROCEDURE_TABLE, TableProcedureRepository } from '../../../src/store/procedure-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

/*
 * Issue 21: procedures are versioned rows never overwritten, and a runbook's ticks are `runbook.step` events
 * on the alert's timeline, against Azurite.
 */
let store: TableStore;
let stop: () => Promise<void>;
const clock = new FakeClock('2026-11-28T09:00:00Z');

const person = (n: number, name: string, role: Member['role']): Member => ({
  aadObjectId: `b1b1b1b1-0000-4000-8000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@nhs.net`,
  orgCode: 'RXC',
  role,
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'Asha Patel',
});
const asha = person(1, 'Asha Patel', 'lead');
const ben = person(2, 'Ben Okafor', 'member');
const cara = person(3, 'Cara Jones', 'admin');

const directory = { require: Directory.prototype.require };
const input = (steps: string, over: Partial<ProcedureInput> = {}): ProcedureInput => ({
  name: 'Ransomware',
  source: 'any',
  severities: '',
  keywords: 'ransomware',
  steps,
  ...over,
});

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([PROCEDURE_TABLE, ...Object.values(ALERT_TABLES)]);
});
afterAll(async () => stop());

const procedures = () =>
  new Procedures({ directory, repository: new TableProcedureRepository(store), clock });

describe('procedure versions (Azurite)', () => {
  test('when a lead edits a procedure, then it is a new version and the old one stays as it was', async () => {
    const first = await procedures().save(asha, input('Isolate hosts\nCall the lead'));
    expect(first).toMatchObject({ id: 'ransomware', version: 1, savedBy: { name: 'Asha Patel' } });
    clock.advance(60_000);
    const second = await procedures().save(cara, {
      ...input('Isolate hosts | cable out\nCall the lead\nPreserve evidence'),
      procedureId: 'ransomware',
    });
    expect(second).toMatchObject({ version: 2, savedBy: { name: 'Cara Jones' } });
    expect((await procedures().getVersion(ben, 'ransomware', 1))?.steps).toHaveLength(2);
    expect((await procedures().latest(ben, 'ransomware'))?.version).toBe(2);
    expect((await procedures().versions(ben, 'ransomware')).map((p) => p.version)).toEqual([2, 1]);
    expect((await procedures().list(ben)).map((p) => [p.id, p.version])).toEqual([
      ['ransomware', 2],
    ]);
  });

  test('when two leads save the same procedure at once, then both are kept as consecutive versions', async () => {
    const saved = await Promise.all([
      procedures().save(asha, input('A', { name: 'Phishing campaign', keywords: 'phishing' })),
      procedures().save(cara, input('B', { name: 'Phishing campaign', keywords: 'phishing' })),
    ]);
    expect(saved.map((p) => p.version).sort()).toEqual([1, 2]);
    const versions = await procedures().versions(ben, 'phishing-campaign');
    expect(versions.map((p) => p.steps[0]!.title).sort()).toEqual(['A', 'B']);
  });

  test('when a member who is not a lead saves or exports, then it is refused and nothing is saved', async () => {
    await expect(procedures().save(ben, input('X', { name: 'Ben’s own' }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(procedures().exportMarkdown(ben)).rejects.toBeInstanceOf(CtacError);
    expect(await procedures().latest(ben, 'ben-s-own')).toBeUndefined();
    const doc = await procedures().exportMarkdown(asha);
    expect(doc).toContain('## Phishing campaign');
    expect(doc).toContain('## Ransomware');
  });
});

describe('runbook ticks (Azurite)', () => {
  const alerts = () => new TableAlertRepository(store);
  const runbooks = () =>
    new Runbooks({
      directory,
      procedures: new TableProcedureRepository(store),
      alerts: alerts(),
      clock,
    });
  let alert: Alert;

  beforeAll(async () => {
    alert = raiseAlert(
      {
        source: 'incident',
        dedupKey: 'INC-21',
        title: 'Ransomware on the file servers',
        severity: 'critical',
      },
      { id: 'R21', actor: { id: 'api', name: 'MSP', source: 'api' }, at: clock.now() },
    ).alert;
    const created = await alerts().create(alert);
    expect(created.ok).toBe(true);
  });

  test('when the runbook is opened, then the latest version of the procedure that fits is shown with no ticks', async () => {
    const view = await runbooks().open(ben, 'R21');
    expect(view.progress.procedure).toMatchObject({ id: 'ransomware', version: 2 });
    expect(view.progress.done).toBe(0);
    await expect(runbooks().open(undefined, 'R21')).rejects.toMatchObject({
      code: 'not_a_member',
    });
  });

  test('when two people tick different steps at the same moment, then both ticks are on the timeline with who, when and the version', async () => {
    const [b, c] = await Promise.all([
      runbooks().tick(ben, 'R21', 'ransomware', 2, 1),
      runbooks().tick(cara, 'R21', 'ransomware', 2, 3),
    ]);
    expect(b.notice?.style).toBe('good');
    expect(c.notice?.style).toBe('good');
    const stored = (await alerts().get('R21'))!.alert;
    const ticks = stored.timeline.filter((e) => e.kind === 'runbook.step');
    expect(ticks.map((t) => [t.actor.name, t.kind === 'runbook.step' && t.step]).sort()).toEqual([
      ['Ben Okafor', 1],
      ['Cara Jones', 3],
    ]);
    expect(ticks[0]).toMatchObject({ procedureId: 'ransomware', version: 2, source: 'teams' });
    const view = await runbooks().open(ben, 'R21');
    expect(`${view.progress.done} of ${view.progress.total}`).toBe('2 of 3');
  });

  test('when the same step is ticked twice at once, then it is recorded once and the second hears who ticked it', async () => {
    const [first, second] = await Promise.all([
      runbooks().tick(ben, 'R21', 'ransomware', 2, 2),
      runbooks().tick(cara, 'R21', 'ransomware', 2, 2),
    ]);
    const notices = [first.notice?.text, second.notice?.text].sort();
    expect(notices).toEqual([
      expect.stringMatching(/had already ticked step 2\.$/),
      'Step 2 ticked: 3 of 3 steps done.',
    ]);
    const stored = (await alerts().get('R21'))!.alert;
    expect(stored.timeline.filter((e) => e.kind === 'runbook.step')).toHaveLength(3);
  });

  test('when a card sends a step or version that does not exist, then nothing is recorded and it says so', async () => {
    const before = (await alerts().get('R21'))!.alert.timeline.length;
    const forged = await runbooks().tick(ben, 'R21', 'ransomware', 2, 9);
    expect(forged.notice).toEqual({
      text: 'Ransomware (version 2) has no step 9. Open the runbook again from the alert’s card.',
      style: 'warning',
    });
    await expect(runbooks().tick(ben, 'R21', 'ransomware', 7, 1)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await alerts().get('R21'))!.alert.timeline.length).toBe(before);
  });
});
