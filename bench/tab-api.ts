/**
 * The tab's API under a realistic register: 10,000 risks (most closed), 5,000 decisions and 50,000 alerts (most
 * resolved) in Azurite. Measures p50 and p95 of every /api/tab/* listing over real HTTP with a lead's token, and
 * beside them a naive full scan of the same table (every row read, filtered in memory), in one run. Writes the
 * figures through report() (bench/run.ts) and, at the full sizes, to bench/RESULTS-tab.md. Azurite runs in its own
 * process, in memory; all on loopback. The rows are built by the app's own repositories (src/store/*) against a
 * recording stand-in and then written in transactions of 100 rows per partition, several in flight.
 *
 *   npm run build && node dist/bench/tab-api.js [risks] [decisions] [alerts] [samples]
 *   (defaults: the full sizes, 10000 5000 50000 20; npm run bench runs 1000 500 5000 10 unless --full)
 */
import { writeFileSync } from 'fs';
import type { TransactionAction } from '@azure/data-tables';
import { raiseAlert, type Alert, type AlertSummary } from '../src/domain/alerts';
import { logDecision } from '../src/domain/decisions';
import type { Member } from '../src/domain/people/member';
import { closeRisk, escalateRisk, raiseRisk, type Risk } from '../src/domain/risk';
import { quarterOf } from '../src/domain/figures';
import type { Review } from '../src/domain/reviews';
import type { Supplier } from '../src/domain/suppliers';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { fromRoot } from '../src/paths';
import { startApp } from '../src/server';
import { ALERT_TABLES, alertPartition } from '../src/store/alert-rows';
import { TableAlertRepository } from '../src/store/alert-repository';
import { TableHsaResponseRepository } from '../src/store/alert-hsa-response-repository';
import { DECISION_TABLE, TableDecisionRepository } from '../src/store/decision-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../src/store/directory-repositories';
import { TableReviewRepository } from '../src/store/review-repository';
import { RISK_TABLE, TableRiskRepository } from '../src/store/risk-repository';
import { TableSupplierRepository } from '../src/store/supplier-repository';
import { TableStore } from '../src/store/tables';
import { formatUkDateTime } from '../src/domain/shared/time';
import { startAzuriteProcess } from './alerts-storm';
import { figure, machine, ms, report, underGoal } from './lib';

const LEAD: Member = {
  aadObjectId: '00000001-0000-4000-8000-000000000001',
  name: 'Bench Lead',
  upn: 'lead@example.nhs.uk',
  orgCode: 'ORG0',
  role: 'lead',
  addedAt: '2026-01-01T00:00:00Z',
  addedBy: 'bench',
};
const ORGS = Array.from({ length: 8 }, (_, i) => `ORG${i}`);
const CAF = ['A1', 'A2', 'B2', 'B4', 'B6', 'C1', 'D1'];
const actor = { id: LEAD.aadObjectId, name: LEAD.name, source: 'api' as const };

/** The figures route timed with an alert acknowledged and a decision logged before each call. */
const AFTER_A_CHANGE = '/api/tab/figures, after a change';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** Runs the tasks `width` at a time. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        await task(i);
      }
    }),
  );
}

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };
const storageError = (statusCode: number) =>
  Object.assign(new Error(`recorded ${statusCode}`), { statusCode });

/**
 * Stands in for Table Storage while the register is built: the app's own repositories (src/store/*)
 * write to it exactly as they would to a table (their transactions, index rows and deletes), and it
 * keeps the rows that would be left in each table. Nothing here mirrors a key layout, so the seeded
 * rows stay the repositories' rows when their layout changes. Point reads find what was recorded (the
 * alert views' day rows are read, added to and written back on their ETag); queries find nothing.
 */
class RecordingTables {
  readonly tables = new Map<string, Map<string, Row>>();

  store(): TableStore {
    return { table: (name: string) => this.client(name) } as unknown as TableStore;
  }

  private client(name: string) {
    let rows = this.tables.get(name);
    if (!rows) this.tables.set(name, (rows = new Map()));
    const table = rows;
    const key = (pk: string, rk: string) => `${pk}\u0000${rk}`;
    const etags = new Map<string, string>();
    let written = 0;
    const write = (
      entity: Row,
      how: 'create' | 'upsert' | 'update',
      mode = 'Merge',
      ifMatch?: string,
    ) => {
      const k = key(entity.partitionKey, entity.rowKey);
      const existing = table.get(k);
      if (how === 'create' && existing) throw storageError(409);
      if (how === 'update' && !existing) throw storageError(404);
      if (how === 'update' && ifMatch && ifMatch !== '*' && ifMatch !== etags.get(k))
        throw storageError(412);
      table.set(k, mode === 'Merge' && existing ? { ...existing, ...entity } : { ...entity });
      const etag = `W/"recorded-${++written}"`;
      etags.set(k, etag);
      return etag;
    };
    const etag = 'W/"recorded"';
    const remove = (pk: string, rk: string) => {
      if (!table.delete(key(pk, rk))) throw storageError(404);
    };
    const nothing = {
      async *[Symbol.asyncIterator]() {},
      byPage: () => ({ async *[Symbol.asyncIterator]() {} }),
    };
    return {
      createEntity: async (e: Row) => ({ etag: write(e, 'create') }),
      upsertEntity: async (e: Row, mode?: string) => ({ etag: write(e, 'upsert', mode) }),
      updateEntity: async (e: Row, mode?: string, options?: { etag?: string }) => ({
        etag: write(e, 'update', mode, options?.etag),
      }),
      deleteEntity: async (pk: string, rk: string) => (remove(pk, rk), {}),
      getEntity: async (pk: string, rk: string) => {
        const row = table.get(key(pk, rk));
        if (!row) throw storageError(404);
        return { ...row, etag: etags.get(key(pk, rk)) };
      },
      listEntities: () => nothing,
      submitTransaction: async (actions: [string, Row, string?][]) => {
        // All or nothing, as a real transaction.
        for (const [how, e] of actions) {
          const has = table.has(key(e.partitionKey, e.rowKey));
          if (how === 'create' && has) throw storageError(409);
          if ((how === 'update' || how === 'delete') && !has) throw storageError(404);
        }
        for (const [how, e, mode] of actions)
          if (how === 'delete') remove(e.partitionKey, e.rowKey);
          else write(e, how as 'create' | 'upsert' | 'update', mode);
        return {
          status: 202,
          subResponses: actions.map(([, e]) => ({ status: 204, etag, rowKey: e.rowKey })),
          getResponseForEntity: (rowKey: string) => ({ status: 204, etag, rowKey }),
        };
      },
    };
  }

  /**
   * Writes every recorded row to the real tables: a partition of one row (each alert's own) as a plain
   * insert, `singles` of them in flight (Azurite takes those far faster than a transaction of one, and one
   * at a time leaves it waiting on the loopback round trip); a larger partition in transactions of 100 rows
   * (the most Table Storage takes in one), `batches` in flight.
   */
  async writeTo(
    store: TableStore,
    width: { singles: number; batches: number },
  ): Promise<{ rows: number; inserts: number; transactions: number }> {
    const singles: { table: string; row: Row }[] = [];
    const batches: { table: string; rows: Row[] }[] = [];
    for (const [table, rows] of this.tables) {
      const byPartition = new Map<string, Row[]>();
      for (const row of rows.values()) {
        const list = byPartition.get(row.partitionKey) ?? [];
        list.push(row);
        byPartition.set(row.partitionKey, list);
      }
      for (const list of byPartition.values())
        if (list.length === 1) singles.push({ table, row: list[0]! });
        else
          for (let i = 0; i < list.length; i += 100)
            batches.push({ table, rows: list.slice(i, i + 100) });
    }
    let done = 0;
    const count = () => {
      if (++done % 10_000 === 0)
        console.log(`  ${done} of ${singles.length + batches.length} writes`);
    };
    await Promise.all([
      pool(batches.length, width.batches, async (i) => {
        const batch = batches[i]!;
        await store
          .table(batch.table)
          .submitTransaction(batch.rows.map((row): TransactionAction => ['create', row]));
        count();
      }),
      pool(singles.length, width.singles, async (i) => {
        await store.table(singles[i]!.table).createEntity(singles[i]!.row);
        count();
      }),
    ]);
    const rows = singles.length + batches.reduce((n, b) => n + b.rows.length, 0);
    return { rows, inserts: singles.length, transactions: batches.length };
  }
}

/** How many suppliers and post-incident reviews the bench adds (a register of tens, a few tens a year). */
const SUPPLIERS = 40;
const REVIEWS = 60;
/** Plain inserts and transactions in flight while the recorded rows are written (measured fastest here). */
const WRITE_WIDTH = { singles: 32, batches: 4 };

/** Writes the register (exported for probes that time one route's reads on the same data). */
export async function seed(store: TableStore, risks: number, decisions: number, alerts: number) {
  const members = new TableMemberRepository(store);
  await members.put(LEAD);
  const orgs = new TableOrganisationRepository(store);
  for (const code of ORGS)
    await orgs.create({
      code,
      name: `Organisation ${code}`,
      isOes: true,
      createdAt: '',
      createdBy: '',
    });

  // The register is built by the app's repositories against a recording stand-in, then its rows are
  // written in transactions of 100 (one row at a time, the full size took most of an hour).
  const t0 = performance.now();
  const recording = new RecordingTables();
  const recorded = recording.store();
  const now = Date.now();
  const riskRepo = new TableRiskRepository(recorded);
  // One in ten is still open, and one in ten of those waits for the ICS cyber group.
  for (let i = 0; i < risks; i++) {
    const at = new Date(now - (risks - i) * 3_600_000);
    let { risk }: { risk: Risk } = raiseRisk(
      {
        title: `Risk ${i}`,
        description: 'A risk for the benchmark.',
        orgCode: ORGS[i % ORGS.length],
        cafPrinciple: CAF[i % CAF.length],
        likelihood: (i % 3) + 1,
        consequence: (i % 4) + 1,
        owner: 'Owner',
        reviewDate: '2099-01-31',
        // One in five names a supplier on the register, open and closed: a supplier's page has a few tens.
        ...(i % 5 === 0 ? { supplier: `Supplier ${Math.floor(i / 35) % SUPPLIERS}` } : {}),
      },
      { id: `R-${String(i).padStart(8, '0')}`, actor, at },
    );
    if (i % 10 !== 0) risk = closeRisk(risk, { reason: 'Done' }, { actor, at }).risk;
    else if (i % 100 === 0)
      risk = escalateRisk(risk, { note: 'Please decide' }, { actor, at }).risk;
    await riskRepo.create(risk);
  }
  const decisionRepo = new TableDecisionRepository(recorded);
  for (let i = 0; i < decisions; i++)
    await decisionRepo.create(
      logDecision(
        {
          text: `Decision ${i} on patching`,
          rationale: 'Because',
          decidedBy: i % 2 ? 'forum' : 'ics-cyber-group',
          outcome: 'approved',
        },
        {
          id: `D-${String(i).padStart(8, '0')}`,
          actor,
          at: new Date(now - (decisions - i) * 60_000),
        },
      ),
    );
  const alertRepo = new TableAlertRepository(recorded);
  const alertsTable = recorded.table(ALERT_TABLES.alerts);
  const hsaResponses = new TableHsaResponseRepository(recorded);
  // One in a hundred is still open; one in ten of the open ones is an HSA. Made 64 at a time, as
  // alerts arrive in a storm: the resolved ones' day rows are then written a batch at a time.
  await pool(alerts, 64, async (i) => {
    const at = new Date(now - (alerts - i) * 60_000);
    const hsa = i % 1000 === 0;
    const { alert } = raiseAlert(
      {
        source: hsa ? 'hsa' : 'incident',
        dedupKey: hsa ? `CC-${i}` : `INC-${i}`,
        title: `Alert ${i}`,
        severity: hsa ? 'High' : 'high',
        organisations: [ORGS[i % ORGS.length]!],
        publishedAt: at.toISOString(),
      },
      { id: `A-${String(i).padStart(8, '0')}`, actor, at },
    );
    if (i % 100 === 0) {
      await alertRepo.create(alert);
      // An HSA with clocks is followed up with the organisations as it is raised (AlertService):
      // its row keeps the HSA, and no responses yet.
      if (hsa) {
        const { timeline: _timeline, ...summary } = alert;
        await hsaResponses.keep(
          { alertId: alert.id, since: at.toISOString() },
          summary,
          [],
          undefined,
        );
      }
      return;
    }
    const ackMs = 60_000 + ((i * 7_919_113) % 1_740_000);
    const resolveMs = 600_000 + ((i * 104_729_017) % 10_800_000);
    const resolved: Alert = {
      ...alert,
      state: 'resolved',
      // Times that differ from alert to alert (a minute to half an hour to acknowledge, up to a few
      // hours more to resolve), as real ones do: the weekly medians are of many different values.
      acknowledgedAt: new Date(at.getTime() + ackMs).toISOString(),
      acknowledgedBy: actor,
      resolvedAt: new Date(at.getTime() + ackMs + resolveMs).toISOString(),
      resolvedBy: actor,
    };
    const created = await alertRepo.create(resolved);
    // As after a resolve: the alert leaves the open index.
    if (created.ok)
      await alertsTable.deleteEntity('~open', alertPartition(alert.source, alert.dedupKey));
  });
  const recordedIn = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const written = await recording.writeTo(store, WRITE_WIDTH);
  const writtenIn = (performance.now() - t1) / 1000;
  console.log(
    `  ${written.rows} rows: built in ${recordedIn.toFixed(0)} s, written in ${writtenIn.toFixed(0)} s (${written.inserts} plain inserts, ${written.transactions} transactions)`,
  );

  // The supplier register and the lessons, few rows each: written through the repositories.
  const suppliers = new TableSupplierRepository(store);
  const by = { id: LEAD.aadObjectId, name: LEAD.name };
  await pool(SUPPLIERS, 8, async (i) => {
    const supplier: Supplier = {
      id: `supplier-${i}`,
      name: `Supplier ${i}`,
      supplies: 'Pathology LIMS, hosted',
      orgCodes: [ORGS[i % ORGS.length]!, ORGS[(i + 3) % ORGS.length]!],
      criticality: (['critical', 'high', 'medium', 'low'] as const)[i % 4]!,
      incidentContact: 'Service desk 01234 567890',
      evidence: [{ kind: 'dspt', status: 'met', expires: '2027-06-30' }],
      nextReview: '2027-03-31',
      addedAt: '2026-01-01T09:00:00Z',
      addedBy: by,
      updatedAt: '2026-01-01T09:00:00Z',
      updatedBy: by,
    };
    await suppliers.create(supplier);
  });
  const reviews = new TableReviewRepository(store);
  await pool(REVIEWS, 8, async (i) => {
    const review: Review = {
      subject: {
        kind: 'alert',
        id: `A-${String(i * 100 + 1).padStart(8, '0')}`,
        title: `Alert ${i}`,
      },
      whatHappened: `Ransomware on a ${i % 2 ? 'patching' : 'backup'} server was contained.`,
      wentWell: 'The on-call lead answered within minutes.',
      toImprove: 'Lessons: patch the VPN appliances within 48 hours.',
      actions: [
        { id: 1, text: 'Patch the VPN', owner: by, due: '2027-01-31' },
        { id: 2, text: 'Test the restore', owner: by, due: '2027-02-28' },
      ],
      savedBy: by,
      savedAt: new Date(now - (REVIEWS - i) * 86_400_000).toISOString(),
    };
    await reviews.save(review, undefined);
  });
}

/** Every row of the table, filtered in memory: what a listing without partitions and indexes would do. */
async function fullScan(
  store: TableStore,
  table: string,
  keep: (row: Record<string, unknown>) => boolean,
) {
  let kept = 0;
  for await (const row of store.table(table).listEntities<Record<string, unknown>>())
    if (keep(row)) kept++;
  return kept;
}

/** p50 and p95 of `run` timed `samples` times after one warm-up, `before` (untimed) ahead of each. */
async function time(samples: number, run: () => Promise<unknown>, before?: () => Promise<unknown>) {
  const ms: number[] = [];
  await run(); // warm up
  for (let i = 0; i < samples; i++) {
    await before?.();
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function main() {
  const [risks, decisions, alerts, samples] = [10_000, 5_000, 50_000, 20].map((d, i) =>
    Number(process.argv[2 + i] ?? d),
  );
  const azurite = await startAzuriteProcess();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    TABLES_CONNECTION_STRING: azurite.connectionString,
    LOG_LEVEL: 'silent',
    CTAC_DEV_HOST: 'true',
  });
  // The app makes its tables (and finds nothing to backfill) and stops; the register is written with no
  // app running, so no background job's scan of a growing table shares Azurite with the writes; then the
  // app starts again on the full tables, jobs and all, as a restarted instance would.
  await (await startApp(config, { logger: createLogger('silent'), jobs: false })).stop();
  const store = new TableStore({
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  });
  const t0 = performance.now();
  await seed(store, risks, decisions, alerts);
  const seedSeconds = (performance.now() - t0) / 1000;
  console.log(
    `seeded ${risks} risks, ${decisions} decisions, ${alerts} alerts in ${seedSeconds.toFixed(0)} s`,
  );
  const t1 = performance.now();
  const app = await startApp(config, { logger: createLogger('silent') });
  console.log(`the app started on them in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  try {
    const token = await app.devIssuer!.sign({ oid: LEAD.aadObjectId, name: LEAD.name });
    const get = async (path: string) => {
      const res = await fetch(`${app.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return res.json();
    };
    // This quarter holds every bench alert; the one before, none of them.
    const lastQuarter = quarterOf(new Date(quarterOf(new Date()).start.getTime() - 1)).id;
    const isOpenRisk = (r: Record<string, unknown>) =>
      r['kind'] === 'risk' && r['status'] !== 'closed';
    const routes: [string, string, () => Promise<unknown>][] = [
      [
        '/api/tab/escalations',
        RISK_TABLE,
        () =>
          fullScan(
            app.store,
            RISK_TABLE,
            (r) => r['kind'] === 'risk' && r['status'] === 'escalated',
          ),
      ],
      ['/api/tab/risks', RISK_TABLE, () => fullScan(app.store, RISK_TABLE, isOpenRisk)],
      [
        '/api/tab/risks?org=ORG3&band=low',
        RISK_TABLE,
        () => fullScan(app.store, RISK_TABLE, isOpenRisk),
      ],
      [
        '/api/tab/decisions',
        DECISION_TABLE,
        () => fullScan(app.store, DECISION_TABLE, (r) => r['kind'] === 'log'),
      ],
      [
        '/api/tab/decisions?q=patching&decidedBy=forum',
        DECISION_TABLE,
        () => fullScan(app.store, DECISION_TABLE, (r) => r['kind'] === 'log'),
      ],
      [
        '/api/tab/alerts',
        ALERT_TABLES.alerts,
        () =>
          fullScan(
            app.store,
            ALERT_TABLES.alerts,
            (r) => r.rowKey === r.partitionKey && r['state'] !== 'resolved',
          ),
      ],
      [
        '/api/tab/hsa-compliance',
        ALERT_TABLES.alerts,
        () =>
          fullScan(
            app.store,
            ALERT_TABLES.alerts,
            (r) => r.rowKey === r.partitionKey && r['state'] !== 'resolved',
          ),
      ],
      ['/api/tab/hsa/mine', '', async () => undefined],
      ['/api/tab/rota', '', async () => undefined],
      ['/api/tab/me', '', async () => undefined],
      ['/api/tab/figures', '', async () => undefined],
      // The same after an alert and a decision of the quarter changed: what a lead's first look after
      // some work costs, not a view read again with nothing changed (see "after a change" below).
      [AFTER_A_CHANGE, '', async () => undefined],
      [`/api/tab/figures?quarter=${lastQuarter}`, '', async () => undefined],
      ['/api/tab/suppliers', '', async () => undefined],
      ['/api/tab/suppliers/supplier-0', '', async () => undefined],
      ['/api/tab/lessons?q=patching', '', async () => undefined],
    ];
    const scanSamples = Math.max(3, Math.floor(samples / 4));
    const lines: string[] = [];
    /** Each route's p95, as shown in the table's first column. */
    const p95s: [string, number][] = [];
    const scans = new Map<string, { p50: number; p95: number }>();
    /** What a route answered, in a few words: the length of each list in its answer. */
    const answered = (json: unknown): string =>
      json && typeof json === 'object'
        ? Object.entries(json as Record<string, unknown>)
            .filter(([, v]) => Array.isArray(v))
            .map(([k, v]) => `${k} ${(v as unknown[]).length}`)
            .join(', ') || 'one object'
        : '-';
    // BENCH_TAB_ONLY=figures,hsa times only the routes whose path holds one of them (looking into a few).
    const only = process.env['BENCH_TAB_ONLY']?.split(',');
    // Before each call "after a change": an alert acknowledged (its week's row changes) and a decision
    // logged, by another instance (the app's own writes would do the same).
    const elsewhere = new TableAlertRepository(store).figures;
    const decisionsElsewhere = new TableDecisionRepository(store);
    let changes = 0;
    const change = async () => {
      const n = changes++;
      const raised = Date.now() - 3_600_000 - n * 60_000;
      await elsewhere.record([
        {
          id: `bench-change-${n}`,
          severityRank: 'high',
          raisedAt: new Date(raised).toISOString(),
          acknowledgedAt: new Date(raised + 300_000 + n * 1_000).toISOString(),
        } as AlertSummary,
      ]);
      await decisionsElsewhere.create(
        logDecision(
          { text: `Change ${n}`, rationale: 'Bench', decidedBy: 'forum', outcome: 'approved' },
          { id: `bench-change-${n}`, actor, at: new Date(raised) },
        ),
      );
    };
    for (const [shown, table, scan] of routes.filter(
      ([p]) => !only || only.some((o) => p.includes(o)),
    )) {
      const path = shown === AFTER_A_CHANGE ? '/api/tab/figures' : shown;
      const answer = answered(await get(path));
      const route = await time(
        samples,
        () => get(path),
        shown === AFTER_A_CHANGE ? change : undefined,
      );
      let naive = table ? scans.get(table + path.split('?')[0]) : undefined;
      if (table && !naive) {
        naive = await time(scanSamples, scan);
        scans.set(table + path.split('?')[0], naive);
      }
      const f = (v: number) => v.toFixed(1);
      const ratio = naive ? `${(naive.p50 / route.p50).toFixed(1)}x` : '-';
      const line = `| ${shown === AFTER_A_CHANGE ? '`/api/tab/figures`, after a change' : `\`${path}\``} | ${answer} | ${f(route.p50)} | ${f(route.p95)} | ${table ? `\`${table}\`` : '-'} | ${naive ? f(naive.p50) : '-'} | ${naive ? f(naive.p95) : '-'} | ${ratio} |`;
      console.log(line);
      lines.push(line);
      p95s.push([shown, route.p95]);
    }
    const full = risks === 10_000 && decisions === 5_000 && alerts === 50_000;
    const body = `Data: ${risks.toLocaleString('en-GB')} risks (one in ten open, one in a hundred escalated), ${decisions.toLocaleString('en-GB')} decisions,
${alerts.toLocaleString('en-GB')} alerts (one in a hundred open, one in ten of those an HSA), 8 organisations, no rota${full ? ' (the sizes issue 6 names)' : ` (reduced; the issue's sizes are 10,000, 5,000 and 50,000: \`npm run bench -- --full\`)`}.
Machine: ${machine()}. Run on ${formatUkDateTime(new Date())} (UK time).
Azurite in its own process, in memory; the app and the client share one process; loopback HTTP with a lead's
bearer token (verified on every call). ${samples} timed calls per route after one warm-up; the naive full scan (every row of
the table read with no filter, then filtered in memory) ${scanSamples} times. Milliseconds. Seeding took ${seedSeconds.toFixed(0)} s
(the app's own repositories build the rows against a recording stand-in; a partition of one row is written as a plain
insert, ${WRITE_WIDTH.singles} in flight, a larger one in transactions of 100 rows, ${WRITE_WIDTH.batches} in flight, with the app stopped; it then starts
on the full tables with its background jobs).
The machine's 2 cores were shared with other work, so treat the figures as relative.

| route | answered | p50 | p95 | table a naive listing would scan | full scan p50 | full scan p95 | full scan p50 / route p50 |
| --- | --- | --- | --- | --- | --- | --- | --- |
${lines.join('\n')}

What the routes read instead: the risks' open-by-score index rows (\`open_\`, one partition), the decision log's
newest-first rows (\`t_\`, stopping at 500; a search reads the newest 1,000 and further only when fewer than 500 of them
match), the \`AlertViews\` table's open rows (each open alert's summary, one partition) and, for the weekly figures, its
week rows of the last nine weeks (one row a week holding the middle of its times, one range), the HSA follow-up rows
(each keeping its HSA and every organisation's response, one partition), and the rota's rotations, overrides and leave.
The figures read the keys and ETags of the quarter's kept alert week rows (one range), then the summaries (each
week's sorted acknowledge and resolve times by severity, not an entry per alert) of only the rows the app has not
read at that ETag: all of them on its first read, one after an acknowledgement. The row "after a change" times the
figures with an alert acknowledged and a decision logged (by another instance) before each call, so each call reads
a changed week row and the quarter's changed list of decision ids again. Then the open risks (their index rows'
figure columns only), the register's escalation and decision events (one query), the newest 100 of the quarter's
decisions (one page of one range) with the quarter's kept count (one point read; its list of ids only when it
changed), the HSA follow-up rows (each keeping its HSA and every organisation's response, written as the HSA is
raised) and the small registers (organisations, exercises, suppliers, DSPT). A supplier's page reads the open index
rows naming it (filtered on the supplier's id each keeps), not every open risk.

Seeding is bound by Azurite: it checks a new row against every row of its partition, so the large shared partitions
(the risk register, the alerts' id and week index partitions, the decision log) cost more with every row written,
transaction or not, while a partition of one row costs the same at any size.

Azurite answers every filtered query (a partition or a row-key range) by testing each row of the table in memory and
sorting what matches (only point reads use its key index), so here even a route that reads one partition gets slower as
the table grows; in Azure Table Storage a partition query costs what it returns. The ratios above understate the gap.
`;
    report(`## Tab API listings against a naive full scan\n\n${body}`);
    // The goal is for the full sizes and every route: a partial or reduced run gives no headline figure.
    if (full && !only) {
      const [slowest, p95] = p95s.reduce((a, b) => (b[1] > a[1] ? b : a));
      figure(
        underGoal(
          `tab at full size: the slowest of ${p95s.length} routes' p95 (\`${slowest}\`)`,
          p95,
          100,
          ms,
        ),
      );
    }
    if (full) {
      writeFileSync(
        fromRoot('bench', 'RESULTS-tab.md'),
        `# The tab's API: latency with a realistic register\n\nWritten by \`bench/tab-api.ts\` (\`npm run build && node dist/bench/tab-api.js\`, or \`npm run bench -- --full\`).\n\n${body}`,
      );
      console.log('written to bench/RESULTS-tab.md');
    }
  } finally {
    await app.stop();
    await azurite.stop();
  }
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
