import { Exercises } from '../../../src/app/exercises';
import { Reviews } from '../../../src/app/reviews';
import type { Alert } from '../../../src/domain/alerts';
import { FakeClock } from '../../../src/domain/shared/clock';
import { EXERCISE_TABLE, TableExerciseRepository } from '../../../src/store/exercise-repository';
import { REVIEW_TABLE, TableReviewRepository } from '../../../src/store/review-repository';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, people, sequentialIds } from '../alerts/fixtures';

/*
 * Issue 21, exercise mode and reviews against Azurite: scripted alerts arrive once at their minute, are marked
 * EXERCISE and page only the participants, stay out of the real figures, the report says who acknowledged and
 * how fast, the leads' yearly reminder and each action's reminder go once.
 */
let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([EXERCISE_TABLE, REVIEW_TABLE]);
});
afterEach(() => stop());

const { sam, alex, lee } = people;
const MINUTE = 60_000;

async function exerciseWorld(clock = new FakeClock('2026-11-28T09:00:00Z')) {
  const w = await alertWorld(store, { clock });
  const messages: { to: string; text: string }[] = [];
  const reminders: { to: string; action: string }[] = [];
  const resolved: Alert[] = [];
  w.service.onResolved(async (alert) => void resolved.push(alert));
  const reviews = new Reviews({
    directory: w.directory,
    members: w.members,
    repository: new TableReviewRepository(store),
    clock,
    findAlert: async (id) => (await w.alerts.get(id))?.alert,
    findExercise: async (id) => (await new TableExerciseRepository(store).get(id))?.exercise,
    remindOwner: async (_review, action) =>
      void reminders.push({ to: action.owner.id, action: action.text }),
  });
  const exercises = () =>
    new Exercises({
      directory: w.directory,
      members: w.members,
      repository: new TableExerciseRepository(store),
      clock,
      ids: sequentialIds('EXERCISE'),
      ingest: (incoming, actor, opts) => w.service.ingest(incoming, actor, opts),
      findAlert: async (key) => (await w.alerts.findByDedupKey('incident', key))?.alert,
      decisionsOf: async () => [],
      lessons: (id) => reviews.lessonsOfExercise(id),
      messageMember: async (to, text) => void messages.push({ to, text }),
    });
  return { ...w, clock, exercises, reviews, messages, reminders, resolved };
}

const start = (
  w: Awaited<ReturnType<typeof exerciseWorld>>,
  scenario: string,
  participants = [alex.aadObjectId],
  participantsOnly = true,
) =>
  w.exercises().start(lee, {
    name: 'Winter ransomware',
    participantIds: participants,
    participantsOnly,
    scenario,
  });

describe('exercise scenario (Azurite)', () => {
  test('when a scenario is given at start, then each alert arrives once at its minute, marked EXERCISE, even with two instances', async () => {
    const w = await exerciseWorld();
    const exercise = await start(
      w,
      '0 | high | Phishing wave\n10 | critical | Ransomware on file servers | Files encrypted',
    );
    expect(exercise.injected).toEqual([1]);
    const first = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-1`))!.alert;
    expect(first.title).toBe('EXERCISE: Phishing wave');
    expect(first.exercise).toMatchObject({ id: exercise.id, name: 'Winter ransomware' });

    w.clock.advance(9 * MINUTE);
    expect(await w.exercises().injectDue()).toBe(0);
    w.clock.advance(MINUTE);
    const [a, b] = await Promise.all([w.exercises().injectDue(), w.exercises().injectDue()]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const second = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-2`))!.alert;
    expect(second.title).toBe('EXERCISE: Ransomware on file servers');
    expect(w.notifier.of('post').filter((p) => p.alertId === second.id)).toHaveLength(1);
    expect((await w.exercises().get(sam, exercise.id))?.injected).toEqual([1, 2]);
    expect(await w.exercises().injectDue()).toBe(0);
  });

  test('when a member who is not a lead starts, injects or ends an exercise, then it is refused; a forged id is not found', async () => {
    const w = await exerciseWorld();
    await expect(
      w.exercises().start(sam, {
        name: 'Mine',
        participantIds: [sam.aadObjectId],
        participantsOnly: true,
        scenario: '',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const exercise = await start(w, '');
    await expect(w.exercises().inject(sam, exercise.id, '0 | low | X')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(w.exercises().end(sam, exercise.id, '')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(w.exercises().end(lee, 'NOSUCHEXERCISE', '')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(w.exercises().end(lee, "x' or ''='", '')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  test('when a webhook sender reuses an exercise alert id, then the exercise alert is left as it is', async () => {
    const w = await exerciseWorld();
    const exercise = await start(w, '0 | high | Phishing wave');
    await expect(
      w.service.ingest(
        {
          source: 'incident',
          dedupKey: `EXERCISE-${exercise.id}-1`,
          title: 'Real?',
          severity: 'low',
        },
        { id: 'api:webhook', name: 'Alert webhook', source: 'api' },
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('exercise paging and figures (Azurite)', () => {
  test('when pages go to participants only, then the step pages only the participants on call', async () => {
    const w = await exerciseWorld();
    w.onCall.layers = {
      primary: [sam.aadObjectId, alex.aadObjectId],
      secondary: [lee.aadObjectId],
    };
    const exercise = await start(w, '0 | high | Phishing wave');
    const alert = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-1`))!.alert;
    await w.service.escalateNow(as(sam), alert.id);
    expect(w.notifier.pagedTo()).toEqual([alex.aadObjectId]);
    await w.service.escalateNow(as(sam), alert.id);
    // Sam (on call) and Lee (the secondary layer) are not taking part: every page is Alex's.
    expect(new Set(w.notifier.pagedTo())).toEqual(new Set([alex.aadObjectId]));
    expect(w.notifier.of('message')).toEqual([]);
  });

  test('when pages are not limited, then the exercise alert pages as the policy says', async () => {
    const w = await exerciseWorld();
    w.onCall.layers = { primary: [sam.aadObjectId, alex.aadObjectId], secondary: [] };
    const exercise = await start(w, '0 | high | Phishing wave', [alex.aadObjectId], false);
    const alert = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-1`))!.alert;
    await w.service.escalateNow(as(sam), alert.id);
    expect(w.notifier.pagedTo()).toEqual([sam.aadObjectId, alex.aadObjectId]);
  });

  test('when an exercise alert is resolved, then it is not in the weekly figures, while a real one is', async () => {
    const w = await exerciseWorld();
    const exercise = await start(w, '0 | high | Phishing wave');
    const drill = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-1`))!.alert;
    const { alert: real } = await w.service.ingest(
      { source: 'incident', dedupKey: 'MSP-9', title: 'Real', severity: 'high' },
      { id: 'api:webhook', name: 'Alert webhook', source: 'api' },
    );
    w.clock.advance(MINUTE);
    await w.service.resolve(as(alex), drill.id, 'Done');
    await w.service.resolve(as(alex), real.id, 'Done');
    const days = await w.alerts.resolvedSince(new Date('2026-11-20T00:00:00Z'));
    const counted = days.flatMap((d) => Object.keys(d.alerts));
    expect(counted).toContain(real.id);
    expect(counted).not.toContain(drill.id);
    // Both are critical or high: each asks for a review.
    expect(w.resolved.map((a) => a.id).sort()).toEqual([drill.id, real.id].sort());
  });
});

describe('exercise report and reminders (Azurite)', () => {
  test('when the exercise ends, then the report gives each alert its time to acknowledge, responders and the lessons of its review', async () => {
    const w = await exerciseWorld();
    const exercise = await start(w, '0 | critical | Ransomware on file servers');
    const alert = (await w.alerts.findByDedupKey('incident', `EXERCISE-${exercise.id}-1`))!.alert;
    w.clock.advance(2 * MINUTE + 5_000);
    await w.service.acknowledge(as(alex), alert.id);
    await w.service.addNote(as(sam), alert.id, 'Backups checked');
    w.clock.advance(10 * MINUTE);
    const report = await w.exercises().end(lee, exercise.id, 'Went to plan');
    expect(report.exercise).toMatchObject({
      outcome: 'Went to plan',
      endedBy: { name: 'Lee Evans' },
    });
    expect(report.alerts).toEqual([
      expect.objectContaining({
        title: 'EXERCISE: Ransomware on file servers',
        secondsToAcknowledge: 125,
        acknowledgedBy: 'Alex Jones',
        responders: ['Alex Jones', 'Sam Patel'],
      }),
    ]);
    await expect(w.exercises().end(lee, exercise.id, '')).rejects.toMatchObject({
      code: 'conflict',
    });

    await w.reviews.save(sam, 'exercise', exercise.id, {
      whatHappened: 'Drill',
      wentWell: 'Fast acknowledgement',
      toImprove: 'Call the supplier sooner',
      actions: '',
    });
    const after = await w.exercises().report(lee, exercise.id);
    expect(after.lessons).toEqual([
      'Went well: Fast acknowledgement',
      'To improve: Call the supplier sooner',
    ]);
    const md = await w.exercises().reportMarkdown(lee, exercise.id);
    expect(md).toContain('Time to acknowledge: 2 min 5 s (Alex Jones)');
    expect((await w.exercises().list(sam)).map((e) => e.name)).toEqual(['Winter ransomware']);
  });

  test('when no exercise has been held for 11 months, then each lead is reminded once', async () => {
    const clock = new FakeClock('2026-01-10T09:00:00Z');
    const w = await exerciseWorld(clock);
    expect(await w.exercises().remindIfDue()).toBe(false);
    clock.advance(300 * 86_400_000);
    expect(await w.exercises().remindIfDue()).toBe(false);
    clock.set('2026-12-10T09:00:00Z');
    const [a, b] = await Promise.all([w.exercises().remindIfDue(), w.exercises().remindIfDue()]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await w.exercises().remindIfDue()).toBe(false);
    const leadIds = [people.lee.aadObjectId, people.ada.aadObjectId].sort();
    expect(w.messages.map((m) => m.to).sort()).toEqual(leadIds);
    expect(w.messages[0]!.text).toContain('No CTAC exercise has been held in the last 11 months');

    await start(w, '');
    clock.advance(200 * 86_400_000);
    expect(await w.exercises().remindIfDue()).toBe(false);
    clock.advance(150 * 86_400_000);
    expect(await w.exercises().remindIfDue()).toBe(true);
    expect(w.messages.at(-1)!.text).toContain('("Winter ransomware")');
  });
});

describe('reviews (Azurite)', () => {
  async function resolvedCritical(w: Awaited<ReturnType<typeof exerciseWorld>>) {
    const { alert } = await w.service.ingest(
      {
        source: 'incident',
        dedupKey: 'MSP-21',
        title: 'Ransomware at the hospice',
        severity: 'critical',
      },
      { id: 'api:webhook', name: 'Alert webhook', source: 'api' },
    );
    await w.service.resolve(as(alex), alert.id, 'Restored');
    return alert;
  }

  test('when a member saves a review, then actions are reminded once on their due day and marked done by their owner', async () => {
    const w = await exerciseWorld();
    const alert = await resolvedCritical(w);
    await expect(
      w.reviews.save(sam, 'alert', alert.id, {
        whatHappened: 'x',
        wentWell: '',
        toImprove: '',
        actions: 'Test restores | Nobody Known | 01/12/2026',
      }),
    ).rejects.toMatchObject({ code: 'validation' });
    const review = await w.reviews.save(sam, 'alert', alert.id, {
      whatHappened: 'Hospice file server encrypted',
      wentWell: 'Backups were offline',
      toImprove: 'Isolate hosts sooner',
      actions: 'Test restores | Alex Jones | 01/12/2026\nBrief the board | Lee Evans | 28/11/2026',
    });
    expect(review.actions.map((a) => [a.owner.name, a.due])).toEqual([
      ['Alex Jones', '2026-12-01'],
      ['Lee Evans', '2026-11-28'],
    ]);
    const [a, b] = await Promise.all([w.reviews.remindDue(), w.reviews.remindDue()]);
    expect(a + b).toBe(1);
    expect(w.reminders).toEqual([{ to: lee.aadObjectId, action: 'Brief the board' }]);
    w.clock.set('2026-12-01T08:00:00Z');
    expect(await w.reviews.remindDue()).toBe(1);
    expect(await w.reviews.remindDue()).toBe(0);
    expect(w.reminders.map((r) => r.action)).toEqual(['Brief the board', 'Test restores']);

    await expect(w.reviews.completeAction(sam, 'alert', alert.id, 1)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(w.reviews.completeAction(alex, 'alert', alert.id, 9)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(w.reviews.completeAction(alex, 'alert', 'FORGED', 1)).rejects.toMatchObject({
      code: 'not_found',
    });
    const done = await w.reviews.completeAction(alex, 'alert', alert.id, 1);
    expect(done).toMatchObject({ changed: true, action: { doneBy: { name: 'Alex Jones' } } });
    expect((await w.reviews.completeAction(alex, 'alert', alert.id, 1)).changed).toBe(false);

    const hits = await w.reviews.search(sam, 'BACKUPS');
    expect(hits).toEqual([
      expect.objectContaining({
        subject: expect.objectContaining({ id: alert.id }),
        openActions: 1,
      }),
    ]);
    expect(await w.reviews.search(sam, 'no such words')).toEqual([]);
  });

  test('when a review names an alert not resolved, not critical or high, or none at all, then nothing is saved', async () => {
    const w = await exerciseWorld();
    const { alert: low } = await w.service.ingest(
      { source: 'incident', dedupKey: 'MSP-22', title: 'Low', severity: 'low' },
      { id: 'api:webhook', name: 'Alert webhook', source: 'api' },
    );
    await w.service.resolve(as(alex), low.id, 'Fine');
    const input = { whatHappened: 'x', wentWell: '', toImprove: '', actions: '' };
    await expect(w.reviews.save(sam, 'alert', low.id, input)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(w.reviews.save(sam, 'alert', 'FORGED', input)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(w.reviews.save(sam, 'exercise', 'FORGED1', input)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(w.reviews.save(undefined, 'alert', low.id, input)).rejects.toMatchObject({
      code: 'not_a_member',
    });
  });
});
