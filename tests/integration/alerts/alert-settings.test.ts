import { AlertSettings } from '../../../src/app/alerts/alert-settings';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, incident, people, webhookActor } from './fixtures';
import { EscalationJob } from '../../../src/jobs/escalation-job';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
});
afterEach(() => stop());

async function settingsWorld() {
  const w = await alertWorld(store);
  const settings = new AlertSettings({
    policies: w.policies,
    members: w.members,
    directory: w.directory,
  });
  return { ...w, settings };
}

test('when an admin sets a policy, then alerts of that severity escalate by it', async () => {
  const w = await settingsWorld();
  await w.settings.setPolicy(people.ada, 'medium', {
    name: 'Medium: the lead at once',
    steps: [{ delayMinutes: 0, targets: [{ kind: 'member', memberId: people.lee.aadObjectId }] }],
    repeat: 0,
  });
  const views = await w.settings.policies(people.sam);
  expect(views.find((v) => v.rank === 'medium')).toMatchObject({ isDefault: false });
  expect(views.find((v) => v.rank === 'high')).toMatchObject({ isDefault: true });

  const job = new EscalationJob({
    timers: w.timers,
    escalation: w.escalation,
    alerts: w.alerts,
    clock: w.clock,
    instanceId: 'one',
  });
  await w.service.ingest(incident({ severity: 'medium' }), webhookActor);
  await job.tick(w.clock.now());
  expect(w.notifier.pagedTo()).toEqual([people.lee.aadObjectId]);
});

test('when a member who is not an admin changes a policy, then they are refused and nothing changes', async () => {
  const w = await settingsWorld();
  const policy = { name: 'Quiet', steps: [], repeat: 0 };
  await expect(w.settings.setPolicy(people.lee, 'high', policy)).rejects.toMatchObject({
    code: 'forbidden',
  });
  expect((await w.settings.policies(people.sam)).every((v) => v.isDefault)).toBe(true);
});

test('when a policy names people who are not members, then every problem is listed', async () => {
  const w = await settingsWorld();
  await expect(
    w.settings.setPolicy(people.ada, 'high', {
      name: '',
      steps: [{ delayMinutes: -1, targets: [{ kind: 'member', memberId: 'stranger' }] }],
      repeat: 0,
    }),
  ).rejects.toMatchObject({
    code: 'validation',
    problems: expect.arrayContaining([expect.any(String), expect.any(String)]),
  });
});
