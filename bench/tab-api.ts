/**
 * The tab's API under a realistic register: 10,000 risks (most closed), 5,000 decisions and 50,000 alerts (most
 * resolved) in Azurite. Measures p50 and p95 of every /api/tab/* listing over real HTTP with a lead's token, and
 * beside them a naive full scan of the same table (every row read, filtered in memory), in one run. Writes the
 * figures to bench/RESULTS-tab.md. Azurite runs in its own process, in memory; all on loopback.
 *
 *   npm run build && node dist/bench/tab-api.js [risks] [decisions] [alerts] [samples]
 */
import { spawn } from 'child_process';
import { writeFileSync } from 'fs';
import { connect, createServer } from 'net';
import { raiseAlert, type Alert } from '../src/domain/alerts';
import { logDecision } from '../src/domain/decisions';
import type { Member } from '../src/domain/people/member';
import { closeRisk, escalateRisk, raiseRisk, type Risk } from '../src/domain/risk';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { fromRoot } from '../src/paths';
import { startApp } from '../src/server';
import { ALERT_TABLES, alertPartition, TableAlertRepository } from '../src/store/alert-repository';
import { DECISION_TABLE, TableDecisionRepository } from '../src/store/decision-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../src/store/directory-repositories';
import { azuriteConnectionString } from '../src/store/embedded-azurite';
import { RISK_TABLE, TableRiskRepository } from '../src/store/risk-repository';
import type { TableStore } from '../src/store/tables';

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
        if ((i + 1) % 5000 === 0) console.log(`  ${i + 1} of ${count}`);
      }
    }),
  );
}

async function seed(store: TableStore, risks: number, decisions: number, alerts: number) {
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

  const now = Date.now();
  const riskRepo = new TableRiskRepository(store);
  // One in ten is still open, and one in ten of those waits for the ICS cyber group.
  await pool(risks, 16, async (i) => {
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
      },
      { id: `R-${String(i).padStart(8, '0')}`, actor, at },
    );
    if (i % 10 !== 0) risk = closeRisk(risk, { reason: 'Done' }, { actor, at }).risk;
    else if (i % 100 === 0)
      risk = escalateRisk(risk, { note: 'Please decide' }, { actor, at }).risk;
    await riskRepo.create(risk);
  });
  const decisionRepo = new TableDecisionRepository(store);
  await pool(decisions, 16, (i) =>
    decisionRepo.create(
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
    ),
  );
  const alertRepo = new TableAlertRepository(store);
  const alertsTable = store.table(ALERT_TABLES.alerts);
  // One in a hundred is still open; one in ten of the open ones is an HSA.
  await pool(alerts, 24, async (i) => {
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
    if (i % 100 === 0) return alertRepo.create(alert);
    const resolved: Alert = {
      ...alert,
      state: 'resolved',
      acknowledgedAt: new Date(at.getTime() + 300_000).toISOString(),
      acknowledgedBy: actor,
      resolvedAt: new Date(at.getTime() + 3_600_000).toISOString(),
      resolvedBy: actor,
    };
    const created = await alertRepo.create(resolved);
    // As after a resolve: the alert leaves the open index.
    if (created.ok)
      await alertsTable.deleteEntity('~open', alertPartition(alert.source, alert.dedupKey));
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

async function time(samples: number, run: () => Promise<unknown>) {
  const ms: number[] = [];
  await run(); // warm up
  for (let i = 0; i < samples; i++) {
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
  const app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      LOG_LEVEL: 'silent',
    }),
    { logger: createLogger('silent') },
  );
  try {
    const t0 = performance.now();
    await seed(app.store, risks, decisions, alerts);
    const seedSeconds = (performance.now() - t0) / 1000;
    console.log(
      `seeded ${risks} risks, ${decisions} decisions, ${alerts} alerts in ${seedSeconds.toFixed(0)} s`,
    );
    const token = await app.devIssuer!.sign({ oid: LEAD.aadObjectId, name: LEAD.name });
    const get = async (path: string) => {
      const res = await fetch(`${app.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return res.json();
    };
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
            (r) => r.rowKey === 'alert' && r['state'] !== 'resolved',
          ),
      ],
      [
        '/api/tab/hsa-compliance',
        ALERT_TABLES.alerts,
        () =>
          fullScan(
            app.store,
            ALERT_TABLES.alerts,
            (r) => r.rowKey === 'alert' && r['state'] !== 'resolved',
          ),
      ],
      ['/api/tab/rota', '', async () => undefined],
      ['/api/tab/me', '', async () => undefined],
    ];
    const scanSamples = Math.max(3, Math.floor(samples / 4));
    const lines: string[] = [];
    const scans = new Map<string, { p50: number; p95: number }>();
    for (const [path, table, scan] of routes) {
      const route = await time(samples, () => get(path));
      let naive = table ? scans.get(table + path.split('?')[0]) : undefined;
      if (table && !naive) {
        naive = await time(scanSamples, scan);
        scans.set(table + path.split('?')[0], naive);
      }
      const f = (v: number) => v.toFixed(1);
      const line = `| \`${path}\` | ${f(route.p50)} | ${f(route.p95)} | ${table ? `\`${table}\`` : '-'} | ${naive ? f(naive.p50) : '-'} | ${naive ? f(naive.p95) : '-'} |`;
      console.log(line);
      lines.push(line);
    }
    const report = `# The tab's API: latency with a realistic register

Written by \`bench/tab-api.ts\` (\`npm run build && node dist/bench/tab-api.js\`) on ${new Date().toISOString().slice(0, 10)}.

Data: ${risks.toLocaleString('en-GB')} risks (one in ten open, one in a hundred escalated), ${decisions.toLocaleString('en-GB')} decisions,
${alerts.toLocaleString('en-GB')} alerts (one in a hundred open, one in ten of those an HSA), 8 organisations, no rota.
Azurite in its own process, in memory; the app and the client share one process; loopback HTTP with a lead's
bearer token (verified on every call). ${samples} timed calls per route after one warm-up; the naive full scan (every row of
the table read with no filter, then filtered in memory) ${scanSamples} times. Milliseconds. Seeding took ${seedSeconds.toFixed(0)} s.
The machine's 2 cores were shared with other work, so treat the figures as relative.

| route | p50 | p95 | table a naive listing would scan | full scan p50 | full scan p95 |
| --- | --- | --- | --- | --- | --- |
${lines.join('\n')}

What the routes read instead: the risks' open-by-score index rows (\`open_\`, one partition), the decision log's
newest-first rows (\`t_\`, stopping at 500 unless searching), the alerts' \`~open\` index partition and then each
open alert's own partition, the HSA responses of each open HSA, and the rota's rotations, overrides and leave.
`;
    writeFileSync(fromRoot('bench', 'RESULTS-tab.md'), report);
    console.log('written to bench/RESULTS-tab.md');
  } finally {
    await app.stop();
    await azurite.stop();
  }
}

/** Azurite's Table service as a child process, in memory, on a free loopback port. */
async function startAzuriteProcess(): Promise<{ connectionString: string; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(
    process.execPath,
    [
      fromRoot('node_modules/azurite/dist/src/table/main.js'),
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--inMemoryPersistence',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; ; i++) {
    if (exited || i > 200) throw new Error('Azurite did not start.');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    connectionString: azuriteConnectionString(port),
    stop: async () => {
      child.kill();
    },
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
