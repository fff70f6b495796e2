/**
 * Acknowledge, storage half: the AlertService.acknowledge use case against Azurite (in its own
 * process), 20 concurrent members each acknowledging their own alerts, against the storage floor
 * measured in the same run: one point read and one ETag-conditional write per operation, also 20 at
 * a time. The Teams half adds the invoke round trip and the card on top of both.
 *
 *   npm run build && node dist/bench/alerts-ack.js [per-worker]
 */
import { AlertEscalation } from '../src/app/alerts/alert-escalation';
import { AlertService } from '../src/app/alerts/alert-service';
import type { AlertNotifier } from '../src/app/alerts/ports';
import { Directory } from '../src/app/directory';
import type { Member } from '../src/domain/people/member';
import { systemClock } from '../src/domain/shared/clock';
import {
  ALERT_ESCALATION_TABLES,
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
  TableOnCallSource,
} from '../src/store/alert-escalation-store';
import { ALERT_TABLES, TableAlertRepository } from '../src/store/alert-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../src/store/directory-repositories';
import { TableStore } from '../src/store/tables';
import { startAzuriteProcess } from './alerts-storm';

const quiet: AlertNotifier = {
  postToChannel: async () => {},
  refreshCard: async () => {},
  page: async () => {},
  replyInThread: async () => {},
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function run(
  workers: number,
  perWorker: number,
  op: (worker: number, i: number) => Promise<void>,
) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < perWorker; i++) {
        const t0 = performance.now();
        await op(w, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: latencies.length / seconds,
  };
}

async function main() {
  const perWorker = Number(process.argv[2] ?? 25);
  const workers = 20;
  const azurite = await startAzuriteProcess();
  const store = new TableStore({
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  });
  await store.createTables([
    ...Object.values(ALERT_TABLES),
    ...Object.values(ALERT_ESCALATION_TABLES),
    'Members',
    'Organisations',
    'BenchFloor',
  ]);
  const members = new TableMemberRepository(store);
  const people: Member[] = Array.from({ length: workers }, (_, i) => ({
    aadObjectId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    name: `Member ${i}`,
    upn: `m${i}@example.nhs.uk`,
    orgCode: 'RXH',
    role: 'member',
    addedAt: '2026-11-01T09:00:00Z',
    addedBy: 'bench',
  }));
  for (const p of people) await members.put(p);
  const alerts = new TableAlertRepository(store);
  const escalation = new AlertEscalation({
    alerts,
    notifier: quiet,
    timers: new TableEscalationTimerStore(store),
    policies: new TableEscalationPolicyStore(store),
    onCall: new TableOnCallSource(store),
    members,
  });
  let n = 0;
  const service = new AlertService({
    alerts,
    notifier: quiet,
    directory: new Directory(new TableOrganisationRepository(store), members, systemClock, []),
    escalation,
    clock: systemClock,
    ids: { next: () => `B${++n}` },
  });
  const actor = { id: 'api:bench', name: 'Bench', source: 'api' as const };
  const ids: string[][] = [];
  for (let w = 0; w < workers; w++) {
    ids.push([]);
    for (let i = 0; i < perWorker; i++) {
      const { alert } = await service.ingest(
        { source: 'incident', dedupKey: `ACK-${w}-${i}`, title: 'Bench alert', severity: 'high' },
        actor,
      );
      ids[w].push(alert.id);
    }
  }
  const floorTable = store.table('BenchFloor');
  for (let w = 0; w < workers; w++)
    for (let i = 0; i < perWorker; i++)
      await floorTable.upsertEntity({
        partitionKey: `f${w}-${i}`,
        rowKey: 'alert',
        state: 'triggered',
      });

  const floor = await run(workers, perWorker, async (w, i) => {
    const row = await floorTable.getEntity<{ state: string }>(`f${w}-${i}`, 'alert');
    await floorTable.updateEntity(
      { partitionKey: `f${w}-${i}`, rowKey: 'alert', state: 'acknowledged' },
      'Replace',
      { etag: row.etag },
    );
  });
  const ack = await run(workers, perWorker, async (w, i) => {
    const outcome = await service.acknowledge({ member: people[w], source: 'teams' }, ids[w][i]);
    if (!outcome.ok) throw new Error(outcome.message);
  });
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`${workers} concurrent, ${workers * perWorker} operations in all`);
  console.log(
    `storage floor: p50 ${ms(floor.p50)}, p99 ${ms(floor.p99)}, ${floor.perSecond.toFixed(0)}/s`,
  );
  console.log(
    `acknowledge:   p50 ${ms(ack.p50)}, p99 ${ms(ack.p99)}, ${ack.perSecond.toFixed(0)}/s`,
  );
  console.log(
    `ratio: p99 ${(ack.p99 / floor.p99).toFixed(2)}x the floor, throughput ${(ack.perSecond / floor.perSecond).toFixed(2)}x`,
  );
  await azurite.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
