import { AuditLog } from '../../../src/app/audit-log';
import { Retention } from '../../../src/app/retention';
import { logDecision } from '../../../src/domain/decisions';
import { closeRisk, raiseRisk } from '../../../src/domain/risk';
import type { Actor } from '../../../src/domain/shared/actor';
import { FakeClock } from '../../../src/domain/shared/clock';
import { RetentionJob } from '../../../src/jobs/retention-job';
import { ALERT_TABLES } from '../../../src/store/alert-rows';
import { HSA_RESPONSE_TABLES } from '../../../src/store/alert-hsa-response-repository';
import { AUDIT_TABLE, TableAuditRepository } from '../../../src/store/audit-repository';
import { DECISION_TABLE, TableDecisionRepository } from '../../../src/store/decision-repository';
import { RISK_CARD_TABLE } from '../../../src/store/risk-card-repository';
import { RISK_REMINDER_TABLE } from '../../../src/store/risk-reminder-repository';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import { TableRetentionStore } from '../../../src/store/retention-store';
import { TableJobClaims } from '../../../src/store/rota-job-claims';
import { ROTA_TABLES } from '../../../src/store/rota-tables';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, incident, people, sequentialIds, webhookActor } from '../alerts/fixtures';

/* Issue 21, retention: resolved alerts, closed risks, decisions and audit events are kept RETENTION_YEARS
 * (6 by default) and then deleted by a daily job that records what it deleted, with the cut-off. */

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([
    ...Object.values(HSA_RESPONSE_TABLES),
    AUDIT_TABLE,
    DECISION_TABLE,
    RISK_TABLE,
    RISK_CARD_TABLE,
    RISK_REMINDER_TABLE,
    ROTA_TABLES.claims,
  ]);
});
afterEach(() => stop());

const actor: Actor = { id: people.ada.aadObjectId, name: people.ada.name, source: 'teams' };
const YEAR = 365 * 86_400_000;

async function rowsOf(table: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of store.table(table).listEntities<Record<string, unknown>>())
    rows.push(row);
  return rows;
}

/** Seven years ago: one alert resolved and one left open, a closed risk, a decision, an audit event;
 * two years ago the same again (all kept). */
async function world() {
  const clock = new FakeClock('2019-11-20T09:00:00Z');
  const w = await alertWorld(store, { clock });
  const audit = new TableAuditRepository(store);
  const auditLog = new AuditLog(audit, w.directory, clock, sequentialIds('AU'));
  const risks = new TableRiskRepository(store);
  const decisions = new TableDecisionRepository(store);
  const ids: Record<string, string> = {};

  async function season(tag: string) {
    const { alert: resolved } = await w.service.ingest(
      incident({ dedupKey: `${tag}-RESOLVED` }),
      webhookActor,
    );
    const { alert: open } = await w.service.ingest(
      incident({ dedupKey: `${tag}-OPEN` }),
      webhookActor,
    );
    clock.advance(3_600_000);
    await w.service.acknowledge(as(people.sam), resolved.id);
    await w.service.resolve(as(people.sam), resolved.id, 'Host rebuilt');
    ids[`${tag}-resolved`] = resolved.id;
    ids[`${tag}-open`] = open.id;

    const at = clock.now();
    const review = new Date(at.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const raise = (id: string) =>
      raiseRisk(
        {
          title: `Unpatched VPN ${tag}`,
          description: 'The VPN appliance is two versions behind.',
          orgCode: 'RXH',
          cafPrinciple: 'B4',
          likelihood: 3,
          consequence: 3,
          owner: 'Head of IT',
          mitigations: 'Patch',
          reviewDate: review,
        },
        { id, actor, at },
      ).risk;
    const risk = raise(`R-${tag}-C`);
    const created = await risks.create(risk);
    if (!created.ok) throw new Error('risk not created');
    await risks.update(
      closeRisk(risk, { reason: 'Patched' }, { actor, at }).risk,
      created.value.etag,
    );
    await risks.create(raise(`R-${tag}-O`));
    await decisions.create(
      logDecision(
        { text: `Accept ${tag}`, rationale: 'Low impact', decidedBy: 'forum', outcome: 'noted' },
        { id: `D-${tag}`, actor, at },
      ),
    );
    await auditLog.record({ action: 'organisation.added', by: people.ada, subject: `Org ${tag}` });
  }

  await season('OLD');
  clock.advance(5 * YEAR);
  await season('NEW');
  clock.set(new Date('2026-11-28T09:00:00Z'));
  const retention = new Retention({
    store: new TableRetentionStore(store),
    audit: auditLog,
    years: 6,
  });
  const job = (instanceId: string) =>
    new RetentionJob({ retention, claims: new TableJobClaims(store), clock, instanceId });
  return { ...w, clock, audit, risks, decisions, ids, retention, job };
}

test('when the job runs, then an old resolved alert goes with every row it had, and open or recent records stay', async () => {
  const w = await world();
  const old = (await w.alerts.get(w.ids['OLD-resolved']!))!.alert;
  expect(old.state).toBe('resolved');
  const partitionsBefore = new Set((await rowsOf(ALERT_TABLES.alerts)).map((r) => r.partitionKey));
  const viewsBefore = JSON.stringify(await rowsOf(ALERT_TABLES.views));
  expect(viewsBefore).toContain(w.ids['OLD-resolved']);

  const pass = await w.job('one').tick();

  expect(pass?.cutOff.toISOString()).toBe('2020-11-28T00:00:00.000Z');
  expect(pass?.counts).toEqual({ resolvedAlerts: 1, closedRisks: 1, decisions: 1, auditEvents: 1 });
  // The alert: no row anywhere names it, in the Alerts table (its partition, its id, its week) or the views.
  expect(await w.alerts.get(w.ids['OLD-resolved']!)).toBeUndefined();
  const alertRows = await rowsOf(ALERT_TABLES.alerts);
  expect(JSON.stringify(alertRows)).not.toContain(w.ids['OLD-resolved']);
  expect(alertRows.some((r) => String(r.partitionKey).includes('OLD-RESOLVED'))).toBe(false);
  expect(partitionsBefore.size).toBeGreaterThan(new Set(alertRows.map((r) => r.partitionKey)).size);
  expect(JSON.stringify(await rowsOf(ALERT_TABLES.views))).not.toContain(w.ids['OLD-resolved']);
  // An old alert still open, and everything recent, stay.
  for (const kept of ['OLD-open', 'NEW-open', 'NEW-resolved'])
    expect(await w.alerts.get(w.ids[kept]!)).toBeDefined();
  expect(JSON.stringify(await rowsOf(ALERT_TABLES.views))).toContain(w.ids['NEW-resolved']);
  // Risks: the old closed one goes with its history rows; an old open one and the recent ones stay.
  expect(await w.risks.get('R-OLD-C')).toBeUndefined();
  expect(JSON.stringify(await rowsOf(RISK_TABLE))).not.toContain('R-OLD-C');
  for (const kept of ['R-OLD-O', 'R-NEW-C', 'R-NEW-O'])
    expect(await w.risks.get(kept)).toBeDefined();
  // Decisions: both rows of the old one go.
  expect(await w.decisions.get('D-OLD')).toBeUndefined();
  expect((await w.decisions.listAll()).map((d) => d.id)).toEqual(['D-NEW']);
  // The audit log: the old entry goes, the recent one stays, and the pass is recorded with counts and cut-off.
  const entries = await w.audit.listAll();
  expect(entries.map((e) => e.subject)).not.toContain('Org OLD');
  expect(entries.map((e) => e.subject)).toContain('Org NEW');
  const record = entries.find((e) => e.action === 'retention.deleted');
  expect(record).toMatchObject({
    actor: { name: 'Retention job', source: 'job' },
    at: '2026-11-28T09:00:00.000Z',
  });
  expect(record?.subject).toBe('Records older than 6 years (before 28 Nov 2020, 00:00)');
  expect(record?.after).toBe(
    'Deleted 1 resolved alert, 1 closed risk, 1 decision, 1 audit event. Cut-off 2020-11-28T00:00:00.000Z.',
  );
}, 60_000);

test('when the pass runs again, even years later, then nothing more is deleted and its own records are kept', async () => {
  const w = await world();
  await w.retention.sweep(w.clock.now());
  const after = await w.retention.sweep(w.clock.now());
  expect(after.counts).toEqual({ resolvedAlerts: 0, closedRisks: 0, decisions: 0, auditEvents: 0 });
  expect((await w.audit.listAll()).filter((e) => e.action === 'retention.deleted')).toHaveLength(1);

  // Eight years on, everything else is past retention; the job's records are still kept.
  w.clock.advance(8 * YEAR);
  const later = await w.retention.sweep(w.clock.now());
  expect(later.counts).toMatchObject({ resolvedAlerts: 1, closedRisks: 1, decisions: 1 });
  const records = (await w.audit.listAll()).filter((e) => e.action === 'retention.deleted');
  expect(records).toHaveLength(2);
  expect((await w.audit.listAll()).every((e) => e.action === 'retention.deleted')).toBe(true);
}, 60_000);

test('when two instances run the job on the same day, then one pass deletes everything once and one record is kept', async () => {
  const w = await world();
  const [a, b] = await Promise.all([w.job('instance-a').tick(), w.job('instance-b').tick()]);
  expect([a, b].filter(Boolean)).toHaveLength(1);
  expect((a ?? b)?.counts.resolvedAlerts).toBe(1);
  expect(await w.job('instance-a').tick()).toBeUndefined();
  // Two passes at once (as after a lost claim) still delete each row once and fail on none.
  const [x, y] = await Promise.all([
    w.retention.sweep(w.clock.now()),
    w.retention.sweep(w.clock.now()),
  ]);
  expect(x.counts.resolvedAlerts + y.counts.resolvedAlerts).toBe(0);
  expect((await w.audit.listAll()).filter((e) => e.action === 'retention.deleted')).toHaveLength(1);
  // The next day's pass is the next instance's to claim.
  w.clock.advance(86_400_000);
  expect(await w.job('instance-b').tick()).toBeDefined();
}, 60_000);
