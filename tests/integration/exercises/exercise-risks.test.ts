import { Exercises } from '../../../src/app/exercises';
import { DecisionLog } from '../../../src/app/risks/decision-log';
import type { RiskEscalationNotifier } from '../../../src/app/risks/ports';
import { RiskRegister } from '../../../src/app/risks/risk-register';
import { RiskSettings } from '../../../src/app/risks/risk-settings';
import { RISK_STATUS_LABELS, type Risk } from '../../../src/domain/risk';
import { FakeClock } from '../../../src/domain/shared/clock';
import { TableDecisionExercises } from '../../../src/store/decision-exercises';
import { DECISION_TABLE, TableDecisionRepository } from '../../../src/store/decision-repository';
import { TableOrganisationRepository } from '../../../src/store/directory-repositories';
import { EXERCISE_TABLE, TableExerciseRepository } from '../../../src/store/exercise-repository';
import {
  RISK_SETTINGS_TABLE,
  TableRiskPolicyRepository,
} from '../../../src/store/risk-policy-repository';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, people, sequentialIds, webhookActor } from '../alerts/fixtures';

/*
 * Issue 21 against Azurite: a risk raised as part of a running exercise (by a participant or its lead, with
 * the form's toggle on or from one of its alert cards' threads) is in the exercise's report and in no real
 * register read (chat and tab lists, CSV and exports, figures, heat map and board pack); a real risk raised
 * while it runs is the other way round; nobody else can tag one, and an ended exercise tags nothing.
 */
let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([EXERCISE_TABLE, DECISION_TABLE, RISK_TABLE, RISK_SETTINGS_TABLE]);
});
afterEach(() => stop());

const { sam, alex, lee } = people;
const MINUTE = 60_000;

async function world() {
  const clock = new FakeClock('2026-11-28T09:00:00Z');
  const w = await alertWorld(store, { clock });
  await new TableOrganisationRepository(store).create({
    code: 'RXH',
    name: 'Royal Sussex Hospitals',
    isOes: true,
    createdAt: '',
    createdBy: '',
  });
  const exerciseRepository = new TableExerciseRepository(store);
  const riskRepository = new TableRiskRepository(store);
  const taggers = new TableDecisionExercises(exerciseRepository, w.alerts);
  const decisions = new DecisionLog(
    new TableDecisionRepository(store),
    w.directory,
    clock,
    sequentialIds('DEC'),
    taggers,
  );
  const settings = new RiskSettings(new TableRiskPolicyRepository(store), w.directory, clock);
  const escalated: Risk[] = [];
  const notifier: RiskEscalationNotifier = {
    postEscalation: async (r) => void escalated.push(r),
    decided: async () => undefined,
  };
  const register = new RiskRegister(
    riskRepository,
    decisions,
    settings,
    w.directory,
    notifier,
    clock,
    sequentialIds('RISK'),
    taggers,
  );
  const exercises = new Exercises({
    directory: w.directory,
    members: w.members,
    repository: exerciseRepository,
    clock,
    ids: sequentialIds('EXERCISE'),
    ingest: (incoming, actor, opts) => w.service.ingest(incoming, actor, opts),
    findAlert: async (key) => (await w.alerts.findByDedupKey('incident', key))?.alert,
    decisionsOf: async () => [],
    // As src/composition/exercises.ts wires it.
    risksOf: async (exerciseId) =>
      (await riskRepository.listForExercise(exerciseId)).map((r) => ({
        id: r.id,
        title: r.title,
        score: r.score,
        status: RISK_STATUS_LABELS[r.status],
        by: r.raisedBy.name,
        at: r.raisedAt,
      })),
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
  return { ...w, clock, register, riskRepository, exercises, exercise, alert, escalated };
}

const riskForm = (title: string, over: Record<string, unknown> = {}) => ({
  title,
  description: 'Found in the drill.',
  orgCode: 'RXH',
  cafPrinciple: 'B4 System security',
  likelihood: '2',
  consequence: '2',
  owner: 'Head of IT',
  mitigations: 'Segmented',
  reviewDate: '2027-01-31',
  ...over,
});

const titles = (list: { title: string }[]) => list.map((r) => r.title).sort();

describe('an exercise’s risks (Azurite)', () => {
  test('when a participant raises with the toggle on and someone raises a real risk at the same time, then the report has only the first and the register, figures and exports only the second', async () => {
    const w = await world();
    w.clock.advance(5 * MINUTE);
    // Above appetite: it goes to the leads as a real one would, its cards marked EXERCISE.
    const drill = await w.register.raise(
      alex,
      riskForm('Backups encrypted too', { likelihood: '5', consequence: '5' }),
      'teams',
      { partOfExercise: true },
    );
    expect(drill.risk.exercise).toEqual({ id: w.exercise.id, name: 'Winter ransomware' });
    expect(drill.escalated).toBe(true);
    const real = await w.register.raise(sam, riskForm('Firewall out of support'), 'teams');
    expect(real.risk.exercise).toBeUndefined();
    // The lead's toggle off: a real risk, though the lead runs the exercise.
    const leadReal = await w.register.raise(lee, riskForm('Tape library failing'), 'teams', {
      partOfExercise: false,
    });
    expect(leadReal.risk.exercise).toBeUndefined();

    const report = await w.exercises.end(lee, w.exercise.id, 'Went to plan');
    expect(report.risks).toEqual([
      {
        id: drill.risk.id,
        title: 'Backups encrypted too',
        score: 25,
        status: 'Escalated to the ICS cyber group',
        by: 'Alex Jones',
        at: drill.risk.raisedAt,
      },
    ]);

    const realTitles = ['Firewall out of support', 'Tape library failing'];
    // The chat's "risks", the tab's Risks and Escalations views and the decision form read listOpen.
    expect(titles(await w.register.listOpen(sam))).toEqual(realTitles);
    // The risks CSV and the tab's closed filter read listAll; the exports read the repository's.
    expect(titles(await w.register.listAll(lee))).toEqual(realTitles);
    expect(titles(await w.riskRepository.listAll())).toEqual(realTitles);
    // The figures, the heat map and the board pack read every risk with its history.
    expect(titles(await w.riskRepository.listAllWithHistory())).toEqual(realTitles);
    // The leads' reminders still chase it (marked EXERCISE by their message).
    expect(titles(await w.riskRepository.listOpenWithExercises())).toEqual(
      [...realTitles, 'Backups encrypted too'].sort(),
    );
    expect(await w.register.get(sam, drill.risk.id)).toMatchObject({
      exercise: { id: w.exercise.id },
    });
  });

  test('when a lead decides on an exercise’s escalated risk, then the decision is the exercise’s too', async () => {
    const w = await world();
    const drill = await w.register.raise(
      alex,
      riskForm('Backups encrypted too', { likelihood: '5', consequence: '5' }),
      'teams',
      { partOfExercise: true },
    );
    const { decision } = await w.register.decide(
      lee,
      drill.risk.id,
      { choice: 'accept', rationale: 'A drill' },
      'teams',
    );
    expect(decision.exercise).toEqual({ id: w.exercise.id, name: 'Winter ransomware' });
  });

  test('when a non-participant raises with the toggle on, or in the exercise alert’s thread, then the risk is real', async () => {
    const w = await world();
    await w.service.recordPosted(
      w.alert.id,
      { conversationId: '19:ctac@thread.tacv2', activityId: '1764320400000' },
      webhookActor,
    );
    expect(await w.register.exerciseOffered(sam)).toBeUndefined();
    expect(await w.register.exerciseOffered(alex)).toEqual({
      id: w.exercise.id,
      name: 'Winter ransomware',
    });
    const forged = await w.register.raise(sam, riskForm('Not a participant'), 'teams', {
      partOfExercise: true,
    });
    const inThread = await w.register.raise(sam, riskForm('In the drill thread'), 'teams', {
      fromMessages: ['1764320400000'],
    });
    expect(forged.risk.exercise).toBeUndefined();
    expect(inThread.risk.exercise).toBeUndefined();
    expect((await w.exercises.report(lee, w.exercise.id)).risks).toEqual([]);
    expect(titles(await w.register.listOpen(sam))).toEqual([
      'In the drill thread',
      'Not a participant',
    ]);
  });

  test('when a participant raises in the exercise alert card’s thread, then the risk is the exercise’s, toggle or not; once it has ended, nothing is', async () => {
    const w = await world();
    await w.service.recordPosted(
      w.alert.id,
      { conversationId: '19:ctac@thread.tacv2', activityId: '1764320400000' },
      webhookActor,
    );
    const inThread = await w.register.raise(lee, riskForm('Brief the board late'), 'teams', {
      fromMessages: ['1764320400000'],
    });
    const elsewhere = await w.register.raise(alex, riskForm('VPN unpatched'), 'teams', {
      fromMessages: ['1764320999999'],
    });
    expect(inThread.risk.exercise?.id).toBe(w.exercise.id);
    expect(elsewhere.risk.exercise).toBeUndefined();

    await w.exercises.end(lee, w.exercise.id, '');
    expect(await w.register.exerciseOffered(alex)).toBeUndefined();
    const after = await w.register.raise(alex, riskForm('After the drill'), 'teams', {
      partOfExercise: true,
      fromMessages: ['1764320400000'],
    });
    expect(after.risk.exercise).toBeUndefined();
    expect(titles((await w.exercises.report(lee, w.exercise.id)).risks)).toEqual([
      'Brief the board late',
    ]);
    expect(titles(await w.register.listOpen(sam))).toEqual(['After the drill', 'VPN unpatched']);
  });
});
