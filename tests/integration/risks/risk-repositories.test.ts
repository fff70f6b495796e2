import { TableDecisionRepository, DECISION_TABLE } from '../../../src/store/decision-repository';
import {
  RISK_SETTINGS_TABLE,
  TableRiskPolicyRepository,
} from '../../../src/store/risk-policy-repository';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import type { TableStore } from '../../../src/store/tables';
import { logDecision, type Decision } from '../../../src/domain/decisions';
import {
  closeRisk,
  decideEscalation,
  DEFAULT_RISK_POLICY,
  escalateRisk,
  raiseRisk,
  rescoreRisk,
  type Risk,
} from '../../../src/domain/risk';
import type { Actor } from '../../../src/domain/shared/actor';
import {
  openRiskFigureOf as figureOf,
  type OpenRiskFigure,
  type RiskForFigures,
} from '../../../src/domain/figures';
import { startTestStore } from '../../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([RISK_TABLE, DECISION_TABLE, RISK_SETTINGS_TABLE]);
});
afterAll(() => stop());

const actor: Actor = {
  id: 'a1a1a1a1-0000-4000-8000-000000000001',
  name: "Zoë O'Brien",
  source: 'teams',
};
const at = new Date('2026-11-28T09:00:00Z');
const form = (over: Record<string, unknown> = {}) => ({
  title: 'Unpatched VPN / firewall #1?',
  description: 'Line one\nLine two, with "quotes" and commas',
  orgCode: 'RXC',
  cafPrinciple: 'B4',
  likelihood: 3,
  consequence: 3,
  owner: 'Head of IT',
  mitigations: 'Patch\nMonitor',
  reviewDate: '2027-01-31',
  ...over,
});
const raise = (id: string, over: Record<string, unknown> = {}): Risk =>
  raiseRisk(form(over), { id, actor, at }).risk;

describe('risk repository against Azurite', () => {
  test('when a risk is created, then it reads back whole with its history', async () => {
    const repo = new TableRiskRepository(store);
    const risk = raise('R-00000001', {
      description: 'x'.repeat(4000),
      mitigations: Array(20).fill('m'.repeat(500)),
    });
    const res = await repo.create(risk);
    expect(res.ok).toBe(true);
    const got = await repo.get('R-00000001');
    expect(got?.risk).toEqual(risk);
    expect(got?.etag).toBeTruthy();
  });

  test('when a risk id is already taken, then creating another is refused and the first is unchanged', async () => {
    const repo = new TableRiskRepository(store);
    await repo.create(raise('R-00000002'));
    const again = await repo.create(raise('R-00000002', { title: 'Another' }));
    expect(again).toEqual({ ok: false, reason: 'exists' });
    expect((await repo.get('R-00000002'))?.risk.title).toBe('Unpatched VPN / firewall #1?');
  });

  test('when two people change the same risk from one version, then one wins and the other gets a conflict', async () => {
    const repo = new TableRiskRepository(store);
    const created = await repo.create(raise('R-00000003'));
    if (!created.ok) throw new Error('not created');
    const { risk, etag } = created.value;
    const first = rescoreRisk(risk, { likelihood: 4, consequence: 3 }, { actor, at }).risk;
    const second = rescoreRisk(risk, { likelihood: 2, consequence: 2 }, { actor, at }).risk;
    const [a, b] = await Promise.all([repo.update(first, etag), repo.update(second, etag)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const got = await repo.get('R-00000003');
    expect(got?.risk.history).toHaveLength(2);
    expect([12, 4]).toContain(got?.risk.score);
  });

  test('when risks are listed as open, then they come highest score first and closed ones drop out', async () => {
    const repo = new TableRiskRepository(store);
    for (const [id, l, c] of [
      ['R-0000000A', 1, 2],
      ['R-0000000B', 5, 5],
      ['R-0000000C', 2, 3],
    ] as const)
      await repo.create(raise(id, { likelihood: l, consequence: c }));
    const c = await repo.get('R-0000000C');
    await repo.update(closeRisk(c!.risk, { reason: 'Done' }, { actor, at }).risk, c!.etag);
    const b = await repo.get('R-0000000B');
    const rescored = rescoreRisk(
      b!.risk,
      { likelihood: 1, consequence: 1 },
      { actor, at, policy: DEFAULT_RISK_POLICY },
    );
    await repo.update(rescored.risk, b!.etag);
    const open = (await repo.listOpen()).map((r) => `${r.id}:${r.score}`);
    expect(open.indexOf('R-0000000A:2')).toBeGreaterThan(-1);
    expect(open).toContain('R-0000000B:1');
    expect(open.filter((o) => o.startsWith('R-0000000B'))).toHaveLength(1);
    expect(open.some((o) => o.startsWith('R-0000000C'))).toBe(false);
    const scores = (await repo.listOpen()).map((r) => r.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect((await repo.listAll()).map((r) => r.id)).toContain('R-0000000C');
  });

  test('when a decision is kept waiting on a risk, then it reads back until it is cleared', async () => {
    const repo = new TableRiskRepository(store);
    const created = await repo.create(raise('R-00000004'));
    if (!created.ok) throw new Error('not created');
    const decision = logDecision(
      { text: 'Accept', rationale: 'Fine', decidedBy: 'forum', outcome: 'noted' },
      { id: 'D-1', actor, at },
    );
    const saved = await repo.update(created.value.risk, created.value.etag, {
      pendingDecision: decision,
    });
    if (!saved.ok) throw new Error('not saved');
    expect(saved.value.pendingDecision).toEqual(decision);
    const cleared = await repo.clearPending('R-00000004', saved.value.etag);
    expect(cleared.ok && cleared.value.pendingDecision).toBeFalsy();
    expect((await repo.get('R-00000004'))?.pendingDecision).toBeUndefined();
  });
});

describe('decision repository against Azurite', () => {
  const decision = (id: string, minutes: number, over: Record<string, unknown> = {}): Decision =>
    logDecision(
      {
        text: `Decision ${id}`,
        rationale: 'Because, "quoted"',
        decidedBy: 'forum',
        outcome: 'approved',
        ...over,
      },
      { id, actor, at: new Date(at.getTime() + minutes * 60_000) },
    );

  test('when decisions are logged, then recent ones list newest first and each is found by id', async () => {
    const repo = new TableDecisionRepository(store);
    for (const [id, m] of [
      ['D-A', 1],
      ['D-C', 3],
      ['D-B', 2],
    ] as const)
      await repo.create(decision(id, m));
    expect((await repo.listRecent(2)).map((d) => d.id)).toEqual(['D-C', 'D-B']);
    expect((await repo.get('D-B'))?.text).toBe('Decision D-B');
    expect(await repo.get('D-missing')).toBeUndefined();
  });

  test('when the same decision is logged twice, then the log holds it once', async () => {
    const repo = new TableDecisionRepository(store);
    expect((await repo.create(decision('D-TWICE', 10))).ok).toBe(true);
    expect(await repo.create(decision('D-TWICE', 11))).toEqual({ ok: false, reason: 'exists' });
    expect((await repo.listAll()).filter((d) => d.id === 'D-TWICE')).toHaveLength(1);
  });
});

describe('risk policy repository against Azurite', () => {
  test('when two admins save from the same version, then the second is refused', async () => {
    const repo = new TableRiskPolicyRepository(store);
    const start = await repo.get();
    expect(start.policy).toEqual(DEFAULT_RISK_POLICY);
    expect(start.etag).toBeUndefined();
    const meta = { updatedAt: at.toISOString(), updatedBy: 'Asha' };
    const first = await repo.save(
      { ...start.policy, appetite: { icsWide: 10, organisations: { RXC: 6 } } },
      meta,
      undefined,
    );
    expect(first.ok).toBe(true);
    const second = await repo.save(
      { ...start.policy, appetite: { icsWide: 20, organisations: {} } },
      meta,
      undefined,
    );
    expect(second).toEqual({ ok: false, reason: 'conflict' });
    const now = await repo.get();
    expect(now.policy.appetite).toEqual({ icsWide: 10, organisations: { RXC: 6 } });
    const third = await repo.save(
      { ...now.policy, appetite: { icsWide: 9, organisations: {} } },
      meta,
      now.etag,
    );
    expect(third.ok).toBe(true);
  });
});

describe('what the quarter figures read of the register and the log', () => {
  test('when risks were escalated, decided and closed, then listEscalated gives each with its escalation and decision events in order, and no other risk', async () => {
    const repo = new TableRiskRepository(store);
    const lead = { ...actor, source: 'tab' as const };
    const later = (hours: number) => new Date(at.getTime() + hours * 3_600_000);
    // Escalated, decided (treat), escalated again and decided again, then closed: off the open index.
    let risk = raise('R-FIG-1');
    risk = escalateRisk(risk, { note: 'Please decide' }, { actor, at: later(1) }).risk;
    risk = decideEscalation(
      risk,
      { choice: 'treat', rationale: 'Patch it' },
      { actor: lead, at: later(30), role: 'lead', decisionId: 'D-FIG-1' },
    ).risk;
    risk = escalateRisk(risk, { note: 'Again' }, { actor, at: later(40) }).risk;
    risk = decideEscalation(
      risk,
      { choice: 'accept', rationale: 'Fine now' },
      { actor: lead, at: later(41), role: 'lead', decisionId: 'D-FIG-2' },
    ).risk;
    risk = closeRisk(risk, { reason: 'Done' }, { actor, at: later(50) }).risk;
    // Escalated and still waiting; never escalated; an exercise's, escalated.
    const waiting = escalateRisk(
      raise('R-FIG-2'),
      { note: 'Decide' },
      { actor, at: later(2) },
    ).risk;
    const plain = raise('R-FIG-3');
    const drill = escalateRisk(
      raiseRisk(form(), { id: 'R-FIG-4', actor, at, exercise: { id: 'X-1', name: 'Drill' } }).risk,
      { note: 'Decide' },
      { actor, at: later(3) },
    ).risk;
    for (const r of [risk, waiting, plain, drill]) expect((await repo.create(r)).ok).toBe(true);

    const listed = new Map(
      (await repo.listEscalated()).filter((r) => r.id.startsWith('R-FIG-')).map((r) => [r.id, r]),
    );
    expect([...listed.keys()].sort()).toEqual(['R-FIG-1', 'R-FIG-2']);
    const kinds = ['escalated', 'decided'];
    const { history: _h, ...body } = risk;
    expect(listed.get('R-FIG-1')).toEqual({
      ...body,
      history: risk.history.filter((e) => kinds.includes(e.kind)),
    });
    expect(listed.get('R-FIG-1')?.history.map((e) => e.kind)).toEqual([
      'escalated',
      'decided',
      'escalated',
      'decided',
    ]);
    expect(listed.get('R-FIG-2')?.status).toBe('escalated');
    // Given the open risks' figures (as the figures read them alongside), the same fields: only the
    // closed one is read.
    const mine = (risks: RiskForFigures[]) =>
      risks
        .filter((r) => r.id.startsWith('R-FIG-'))
        .map((r) => ({ ...figureOf(r), history: r.history }));
    expect(mine(await repo.listEscalated(repo.listOpenFigures()))).toEqual(
      mine(await repo.listEscalated()),
    );
  });

  test('when risks are open, rescored and closed, then listOpenFigures gives each open real one highest score first, with the fields the figures show and no others', async () => {
    const repo = new TableRiskRepository(store);
    const high = raise('R-OF-1', {
      likelihood: 5,
      consequence: 4,
      title: 'Ransomware at the trust, "Zoë" ≥ 20',
    });
    const low = raise('R-OF-2', { likelihood: 1, consequence: 2, owner: 'Director of Digital' });
    let moved = raise('R-OF-3', { likelihood: 2, consequence: 2 });
    const closed = closeRisk(raise('R-OF-4'), { reason: 'Gone' }, { actor, at }).risk;
    const drill = raiseRisk(form({ likelihood: 5, consequence: 5 }), {
      id: 'R-OF-5',
      actor,
      at,
      exercise: { id: 'X-OF', name: 'Drill' },
    }).risk;
    for (const r of [high, low, moved, closed, drill]) expect((await repo.create(r)).ok).toBe(true);
    // Rescored up: its index row moves, with its new fields.
    const stored = await repo.get('R-OF-3');
    moved = rescoreRisk(
      stored!.risk,
      { likelihood: 4, consequence: 4 },
      { actor, at, policy: DEFAULT_RISK_POLICY },
    ).risk;
    expect((await repo.update(moved, stored!.etag)).ok).toBe(true);

    const mine = (risks: readonly OpenRiskFigure[]) =>
      risks.filter((r) => r.id.startsWith('R-OF-'));
    const figures = mine(await repo.listOpenFigures());
    expect(figures).toEqual([high, moved, low].map(figureOf));
    // Exactly what the whole open risks give, field for field, in the same order.
    expect(figures).toEqual(mine(await repo.listOpen()).map(figureOf));
    expect(figures.map((f) => Object.keys(f).sort())).toEqual(
      figures.map(() => Object.keys(figureOf(high)).sort()),
    );
  });

  test("when open index rows were written before they kept the figures' fields, then listOpenFigures still gives them, and the start's backfill gives the rows their fields once", async () => {
    const repo = new TableRiskRepository(store);
    const older = raise('R-OLD-1', {
      likelihood: 4,
      consequence: 5,
      title: 'Written by an older version',
    });
    expect((await repo.create(older)).ok).toBe(true);
    // As an older version wrote it: the index row's kind, id and JSON only.
    const client = store.table(RISK_TABLE);
    const indexRows: Record<string, unknown>[] = [];
    for await (const row of client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: "PartitionKey eq 'register' and RowKey ge 'open_' and RowKey lt 'open`'",
      },
    }))
      if (row['id'] === 'R-OLD-1') indexRows.push(row);
    expect(indexRows).toHaveLength(1);
    const { partitionKey, rowKey, kind, id } = indexRows[0] as Record<string, string>;
    const json = Object.fromEntries(
      Object.entries(indexRows[0]!).filter(([k]) => k.startsWith('json')),
    );
    await client.upsertEntity({ partitionKey, rowKey, kind, id, ...json }, 'Replace');

    const figureOfOld = async () => (await repo.listOpenFigures()).find((r) => r.id === 'R-OLD-1');
    expect(await figureOfOld()).toEqual(figureOf(older));
    expect(await repo.backfillOpenFigures()).toBe(1);
    const row = await client.getEntity<Record<string, unknown>>(partitionKey!, rowKey!);
    expect(row['likelihood']).toBe(4);
    expect(row['title']).toBe('Written by an older version');
    expect(row['exerciseId']).toBe('');
    expect(await figureOfOld()).toEqual(figureOf(older));
    expect(await repo.backfillOpenFigures()).toBe(0);
  });

  test("when open risks name suppliers, then listOpenNaming gives the open real ones naming a supplier, highest score first, each index row keeping the supplier's id", async () => {
    const repo = new TableRiskRepository(store);
    const acme = (id: string, over: Record<string, unknown> = {}) =>
      raise(id, { supplier: 'ACME Pathology', ...over });
    let low = acme('R-SUP-1', { likelihood: 1, consequence: 2 });
    const high = acme('R-SUP-2', { likelihood: 4, consequence: 5, supplier: 'acme pathology' });
    let leaves = acme('R-SUP-3');
    const other = raise('R-SUP-4', { supplier: 'Zed Networks' });
    const none = raise('R-SUP-5');
    const closed = closeRisk(acme('R-SUP-6'), { reason: 'Gone' }, { actor, at }).risk;
    const drill = raiseRisk(form({ supplier: 'Acme Pathology' }), {
      id: 'R-SUP-7',
      actor,
      at,
      exercise: { id: 'X-SUP', name: 'Drill' },
    }).risk;
    for (const r of [low, high, leaves, other, none, closed, drill])
      expect((await repo.create(r)).ok).toBe(true);
    // Rescored: its index row moves and still names the supplier.
    let stored = await repo.get('R-SUP-1');
    low = rescoreRisk(
      stored!.risk,
      { likelihood: 2, consequence: 2 },
      { actor, at, policy: DEFAULT_RISK_POLICY },
    ).risk;
    expect((await repo.update(low, stored!.etag)).ok).toBe(true);
    // Another supplier named on an edit: it leaves Acme's page.
    stored = await repo.get('R-SUP-3');
    leaves = { ...stored!.risk, supplier: 'Zed Networks' };
    expect((await repo.update(leaves, stored!.etag)).ok).toBe(true);

    expect((await repo.listOpenNaming('acme-pathology')).map((r) => r.id)).toEqual([
      'R-SUP-2',
      'R-SUP-1',
    ]);
    expect((await repo.listOpenNaming('zed-networks')).map((r) => r.id).sort()).toEqual([
      'R-SUP-3',
      'R-SUP-4',
    ]);
    expect(await repo.listOpenNaming('nobody-ltd')).toEqual([]);
    // Read twice: the second is the one filtered query, and answers the same.
    expect((await repo.listOpenNaming('acme-pathology')).map((r) => r.title)).toEqual([
      high.title,
      low.title,
    ]);
    // What the page filters on is in each index row, so Table Storage returns only those rows.
    const byId = new Map<string, unknown>();
    for await (const row of store.table(RISK_TABLE).listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: "PartitionKey eq 'register' and RowKey ge 'open_' and RowKey lt 'open`'",
      },
    }))
      if (String(row['id']).startsWith('R-SUP-')) byId.set(String(row['id']), row['supplierId']);
    expect(Object.fromEntries(byId)).toEqual({
      'R-SUP-1': 'acme-pathology',
      'R-SUP-2': 'acme-pathology',
      'R-SUP-3': 'zed-networks',
      'R-SUP-4': 'zed-networks',
      'R-SUP-5': '',
      'R-SUP-7': 'acme-pathology',
    });
  });

  test('when risks are escalated, decided and closed, then listOpenEscalated gives the open real ones waiting for a decision, highest score first, an older index row included', async () => {
    const repo = new TableRiskRepository(store);
    const lead = { ...actor, source: 'tab' as const };
    // A risk above the appetite is escalated as it is raised.
    const escalate = (r: Risk) =>
      r.status === 'escalated' ? r : escalateRisk(r, { note: 'Please decide' }, { actor, at }).risk;
    const low = escalate(raise('R-ESQ-1', { likelihood: 1, consequence: 3 }));
    const high = escalate(raise('R-ESQ-2', { likelihood: 5, consequence: 4 }));
    const decided = decideEscalation(
      escalate(raise('R-ESQ-3')),
      { choice: 'treat', rationale: 'Patch it' },
      { actor: lead, at, role: 'lead', decisionId: 'D-ESQ-1' },
    ).risk;
    // Decided, then closed: off the open index.
    const closed = closeRisk(
      decideEscalation(
        escalate(raise('R-ESQ-4')),
        { choice: 'treat', rationale: 'Patch it' },
        { actor: lead, at, role: 'lead', decisionId: 'D-ESQ-3' },
      ).risk,
      { reason: 'Gone' },
      { actor, at },
    ).risk;
    const never = raise('R-ESQ-5');
    const drill = escalate(
      raiseRisk(form(), { id: 'R-ESQ-6', actor, at, exercise: { id: 'X-ESQ', name: 'Drill' } })
        .risk,
    );
    for (const r of [low, high, decided, closed, never, drill])
      expect((await repo.create(r)).ok).toBe(true);
    const mine = async (r: TableRiskRepository) =>
      (await r.listOpenEscalated()).map((x) => x.id).filter((id) => id.startsWith('R-ESQ-'));
    expect(await mine(repo)).toEqual(['R-ESQ-2', 'R-ESQ-1']);
    // Decided later: it leaves the queue (its index row's status changes with it).
    const stored = await repo.get('R-ESQ-2');
    const answered = decideEscalation(
      stored!.risk,
      { choice: 'accept', rationale: 'Fine' },
      { actor: lead, at, role: 'lead', decisionId: 'D-ESQ-2' },
    ).risk;
    expect((await repo.update(answered, stored!.etag)).ok).toBe(true);
    expect(await mine(repo)).toEqual(['R-ESQ-1']);

    // As a version before the figures' columns wrote R-ESQ-1's index row: kind, id and JSON only.
    const client = store.table(RISK_TABLE);
    for await (const row of client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: "PartitionKey eq 'register' and RowKey ge 'open_' and RowKey lt 'open`'",
      },
    }))
      if (row['id'] === 'R-ESQ-1') {
        const { partitionKey, rowKey, kind, id } = row as Record<string, string>;
        const json = Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith('json')));
        await client.upsertEntity({ partitionKey, rowKey, kind, id, ...json }, 'Replace');
      }
    const fresh = new TableRiskRepository(store);
    expect(await mine(fresh)).toEqual(['R-ESQ-1']);
    expect(await fresh.backfillOpenFigures()).toBeGreaterThanOrEqual(1);
    expect(await mine(new TableRiskRepository(store))).toEqual(['R-ESQ-1']);
  });

  test("when an open index row was written before it kept the supplier's id, then the supplier's page still finds its risk, and the start's backfill gives the row its id", async () => {
    const repo = new TableRiskRepository(store);
    const older = raise('R-SUPOLD-1', { supplier: 'Old Vendor Ltd', title: 'Older row' });
    expect((await repo.create(older)).ok).toBe(true);
    const client = store.table(RISK_TABLE);
    let indexRow: Record<string, unknown> | undefined;
    for await (const row of client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: "PartitionKey eq 'register' and RowKey ge 'open_' and RowKey lt 'open`'",
      },
    }))
      if (row['id'] === 'R-SUPOLD-1') indexRow = row;
    // As the version before wrote it: the figures' columns and the JSON, no supplier id.
    const {
      supplierId: _gone,
      etag: _etag,
      timestamp: _timestamp,
      ...before
    } = indexRow as Record<string, unknown>;
    await client.upsertEntity(before as { partitionKey: string; rowKey: string }, 'Replace');

    expect((await repo.listOpenNaming('old-vendor-ltd')).map((r) => r.id)).toEqual(['R-SUPOLD-1']);
    expect(await repo.backfillOpenFigures()).toBe(1);
    const row = await client.getEntity<Record<string, unknown>>(
      String(before['partitionKey']),
      String(before['rowKey']),
    );
    expect(row['supplierId']).toBe('old-vendor-ltd');
    expect(await repo.backfillOpenFigures()).toBe(0);
    // A fresh instance (every row keyed now) finds it with the one query.
    expect(
      (await new TableRiskRepository(store).listOpenNaming('old-vendor-ltd')).map((r) => r.id),
    ).toEqual(['R-SUPOLD-1']);
  });

  test('when decisions were logged either side of a quarter, then listLoggedBetween gives those from its start up to its end only, exercises left out', async () => {
    const repo = new TableDecisionRepository(store);
    const start = new Date('2026-10-01T00:00:00+01:00');
    const end = new Date('2027-01-01T00:00:00Z');
    const log = (id: string, loggedAt: Date, over: Record<string, unknown> = {}) =>
      repo.create({
        ...logDecision(
          { text: `Decision ${id}`, rationale: 'Because', decidedBy: 'forum', outcome: 'approved' },
          { id, actor, at: loggedAt },
        ),
        ...over,
      } as Decision);
    await log('D-Q-BEFORE', new Date(start.getTime() - 1));
    await log('D-Q-FIRST', start);
    await log('D-Q-LAST', new Date(end.getTime() - 1));
    await log('D-Q-AFTER', end);
    await log('D-Q-DRILL', new Date(start.getTime() + 1000), {
      exercise: { id: 'X-1', name: 'Drill' },
    });
    const ids = (await repo.listLoggedBetween(start, end))
      .map((d) => d.id)
      .filter((id) => id.startsWith('D-Q-'));
    expect(ids).toEqual(['D-Q-LAST', 'D-Q-FIRST']);
  });
});
