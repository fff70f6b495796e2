import { Exercises } from '../../../src/app/exercises';
import { DecisionLog } from '../../../src/app/risks/decision-log';
import type { DecisionInput } from '../../../src/domain/decisions';
import { FakeClock } from '../../../src/domain/shared/clock';
import { TableDecisionExercises } from '../../../src/store/decision-exercises';
import { DECISION_TABLE, TableDecisionRepository } from '../../../src/store/decision-repository';
import { EXERCISE_TABLE, TableExerciseRepository } from '../../../src/store/exercise-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, people, sequentialIds, webhookActor } from '../alerts/fixtures';

/*
 * Issue 21 against Azurite: a decision logged as part of a running exercise (by a participant or its lead,
 * with the form's toggle on or from one of its alerts) is in the exercise's report and in no real register;
 * a real decision logged while it runs is in the register and not in the report; nobody else can tag one.
 */
let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([EXERCISE_TABLE, DECISION_TABLE]);
});
afterEach(() => stop());

const { sam, alex, lee } = people;
const MINUTE = 60_000;

async function world() {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const w = await alertWorld(store, { clock });
  const exerciseRepository = new TableExerciseRepository(store);
  const decisionRepository = new TableDecisionRepository(store);
  const decisions = new DecisionLog(
    decisionRepository,
    w.directory,
    clock,
    sequentialIds('DEC'),
    new TableDecisionExercises(exerciseRepository, w.alerts),
  );
  const exercises = new Exercises({
    directory: w.directory,
    members: w.members,
    repository: exerciseRepository,
    clock,
    ids: sequentialIds('EXERCISE'),
    ingest: (incoming, actor, opts) => w.service.ingest(incoming, actor, opts),
    findAlert: async (key) => (await w.alerts.findByDedupKey('incident', key))?.alert,
    // As src/composition/exercises.ts wires it.
    decisionsOf: async (exerciseId) =>
      (await decisionRepository.listForExercise(exerciseId))
        .reverse()
        .map((d) => ({ text: d.text, by: d.loggedBy.name, at: d.loggedAt })),
    lessons: async () => [],
    messageMember: async () => undefined,
  });
  const exercise = await exercises.start(lee, {
    name: 'Winter ransomware',
    participantIds: [alex.aadObjectId],
    participantsOnly: true,
    scenario: '0 | critical | Ransomware on file servers',
  });
  const alert = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-1`))!.alert;
  return { ...w, clock, decisions, decisionRepository, exercises, exercise, alert };
}

const decision = (text: string, extra: Partial<DecisionInput> = {}): DecisionInput => ({
  text,
  rationale: 'Because',
  decidedBy: 'forum',
  outcome: 'approved',
  ...extra,
});

const texts = (list: { text: string }[]) => list.map((d) => d.text).sort();

describe('an exercise’s decisions (Azurite)', () => {
  test('when a participant logs with the toggle on and someone logs a real decision at the same time, then the report has only the first and the register only the second', async () => {
    const w = await world();
    w.clock.advance(5 * MINUTE);
    const drill = await w.decisions.log(alex, decision('Isolate the file servers'), 'teams', {
      partOfExercise: true,
    });
    expect(drill.exercise).toEqual({ id: w.exercise.id, name: 'Winter ransomware' });
    const real = await w.decisions.log(sam, decision('Renew the firewall support'), 'teams');
    expect(real.exercise).toBeUndefined();
    // The lead's toggle off: a real decision, though the lead runs the exercise.
    const leadReal = await w.decisions.log(lee, decision('Buy more tape'), 'teams', {
      partOfExercise: false,
    });
    expect(leadReal.exercise).toBeUndefined();

    const report = await w.exercises.end(lee, w.exercise.id, 'Went to plan');
    expect(report.decisions).toEqual([
      { text: 'Isolate the file servers', by: 'Alex Jones', at: drill.loggedAt },
    ]);

    expect(texts((await w.decisions.listRecent(sam)).map((e) => e.decision))).toEqual([
      'Buy more tape',
      'Renew the firewall support',
    ]);
    // The CSV, exports and the tab read listAll; the figures and board pack read the repository's.
    expect(texts(await w.decisions.listAll(lee))).toEqual([
      'Buy more tape',
      'Renew the firewall support',
    ]);
    expect(texts(await w.decisionRepository.listAll())).toEqual([
      'Buy more tape',
      'Renew the firewall support',
    ]);
    expect(await w.decisions.get(sam, drill.id)).toMatchObject({ exercise: { id: w.exercise.id } });
  });

  test('when a non-participant logs with the toggle on, or about the exercise’s alert, then the decision is real', async () => {
    const w = await world();
    expect(await w.decisions.exerciseOffered(sam)).toBeUndefined();
    expect(await w.decisions.exerciseOffered(alex)).toEqual({
      id: w.exercise.id,
      name: 'Winter ransomware',
    });
    const forged = await w.decisions.log(sam, decision('Not a participant'), 'teams', {
      partOfExercise: true,
    });
    const aboutAlert = await w.decisions.log(
      sam,
      decision('About the drill alert', { related: { kind: 'alert', id: w.alert.id } }),
      'teams',
    );
    expect(forged.exercise).toBeUndefined();
    expect(aboutAlert.exercise).toBeUndefined();
    expect((await w.exercises.report(lee, w.exercise.id)).decisions).toEqual([]);
    expect(texts(await w.decisions.listAll(lee))).toEqual([
      'About the drill alert',
      'Not a participant',
    ]);
  });

  test('when a participant logs about the exercise’s alert or in its card’s thread, then the decision is the exercise’s, toggle or not', async () => {
    const w = await world();
    await w.service.recordPosted(
      w.alert.id,
      { conversationId: '19:ctac@thread.tacv2', activityId: '1764320400000' },
      webhookActor,
    );
    const about = await w.decisions.log(
      alex,
      decision('Call the supplier', { related: { kind: 'alert', id: w.alert.id } }),
      'teams',
    );
    const inThread = await w.decisions.log(lee, decision('Brief the board'), 'teams', {
      fromMessages: ['1764320400000'],
    });
    const elsewhere = await w.decisions.log(alex, decision('Patch the VPN'), 'teams', {
      fromMessages: ['1764320999999'],
    });
    expect(about.exercise?.id).toBe(w.exercise.id);
    expect(inThread.exercise?.id).toBe(w.exercise.id);
    expect(elsewhere.exercise).toBeUndefined();
    expect(texts((await w.exercises.report(lee, w.exercise.id)).decisions)).toEqual([
      'Brief the board',
      'Call the supplier',
    ]);

    // Once it has ended, nothing more is tagged with it.
    await w.exercises.end(lee, w.exercise.id, '');
    const after = await w.decisions.log(alex, decision('After the drill'), 'teams', {
      partOfExercise: true,
      fromMessages: ['1764320400000'],
    });
    expect(after.exercise).toBeUndefined();
  });
});
