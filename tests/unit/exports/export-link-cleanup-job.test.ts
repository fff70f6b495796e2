import { FakeClock } from '../../../src/domain/shared/clock';
import { ExportLinkCleanupJob } from '../../../src/jobs/export-link-cleanup-job';

test('when the clean-up ticks, then it asks for the links old at the clock’s time to go and says how many went', async () => {
  const clock = new FakeClock('2026-12-03T10:00:00Z');
  const asked: Date[] = [];
  const job = new ExportLinkCleanupJob({
    exports: {
      removeOld: async (now: Date) => {
        asked.push(now);
        return 2;
      },
    },
    clock,
  });
  expect(await job.tick()).toBe(2);
  expect(asked).toEqual([new Date('2026-12-03T10:00:00Z')]);
});
