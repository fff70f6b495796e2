import type { HsaResponse } from '../../../src/domain/alerts';
import type { Decision } from '../../../src/domain/decisions';
import {
  alertFigureEntry,
  alertQuarterFigures,
  hsaQuarterFigures,
  parseQuarter,
  median,
  riskQuarterFigures,
  summariseAlertWeek,
  type AlertFigureEntry,
  type AlertFigureWeek,
} from '../../../src/domain/figures';
import type { Risk, RiskEvent } from '../../../src/domain/risk';

const q3 = parseQuarter('2026-Q3')!;
const actor = { id: 'a', name: 'Asha Patel', source: 'teams' as const };
const HOUR = 3_600_000;
const at = (base: string, hours: number) => new Date(Date.parse(base) + hours * HOUR).toISOString();

describe('alert response times by week and severity', () => {
  it('when an alert is an exercise or has not been acknowledged or resolved, then it has no entry', () => {
    const alert = {
      severityRank: 'high' as const,
      raisedAt: '2026-10-05T09:00:00Z',
      acknowledgedAt: '2026-10-05T09:10:00Z',
    };
    expect(alertFigureEntry(alert)).toEqual(['high', '2026-10-05T09:00:00Z', 600_000, null]);
    expect(alertFigureEntry({ ...alert, exercise: { id: 'x', name: 'Drill' } })).toBeUndefined();
    expect(alertFigureEntry({ ...alert, acknowledgedAt: undefined })).toBeUndefined();
  });

  it('when alerts of two severities fall in a week, then each has its own medians and means', () => {
    const rows: AlertFigureWeek[] = [
      {
        weekOf: '2026-10-05',
        alerts: {
          a: ['high', '2026-10-05T09:00:00Z', 10 * 60_000, 60 * 60_000],
          b: ['high', '2026-10-06T09:00:00Z', 20 * 60_000, null],
          c: ['high', '2026-10-07T09:00:00Z', 60 * 60_000, 120 * 60_000],
          d: ['low', '2026-10-08T09:00:00Z', null, 30 * 60_000],
        },
      },
      // Raised on 30 Sep (Q2): left out although its week holds 1 October.
      { weekOf: '2026-09-28', alerts: { e: ['high', '2026-09-30T09:00:00Z', 5 * 60_000, null] } },
    ];
    const figures = alertQuarterFigures(q3, rows);
    expect(figures.weeks).toHaveLength(14);
    expect(figures.byWeek).toEqual([
      {
        weekOf: '2026-10-05',
        isoWeek: '2026-W41',
        weekLabel: 'w/c 5 Oct 2026',
        severity: 'high',
        acknowledged: 3,
        medianMinutesToAcknowledge: 20,
        meanMinutesToAcknowledge: 30,
        resolved: 2,
        medianMinutesToResolve: 90,
        meanMinutesToResolve: 90,
      },
      {
        weekOf: '2026-10-05',
        isoWeek: '2026-W41',
        weekLabel: 'w/c 5 Oct 2026',
        severity: 'low',
        acknowledged: 0,
        medianMinutesToAcknowledge: undefined,
        meanMinutesToAcknowledge: undefined,
        resolved: 1,
        medianMinutesToResolve: 30,
        meanMinutesToResolve: 30,
      },
    ]);
    expect(figures.bySeverity.map((s) => [s.severity, s.acknowledged, s.resolved])).toEqual([
      ['high', 3, 2],
      ['low', 0, 1],
    ]);
  });

  it('when the first and last weeks straddle the quarter, then only their alerts raised within it count, and every alert of a week within it', () => {
    const entry = (raisedAt: string) => ['high', raisedAt, 60_000, null] as const;
    const rows: AlertFigureWeek[] = [
      // 1 October 2026 is a Thursday (midnight UK time is 23:00 UTC the day before), 31 December too.
      {
        weekOf: '2026-09-28',
        alerts: { a: [...entry('2026-09-30T22:59:59Z')], b: [...entry('2026-09-30T23:00:00Z')] },
      },
      { weekOf: '2026-10-05', alerts: { c: [...entry('2026-10-11T22:59:59Z')] } },
      {
        weekOf: '2026-12-28',
        alerts: { d: [...entry('2026-12-31T23:59:59Z')], e: [...entry('2027-01-01T00:00:00Z')] },
      },
    ];
    const figures = alertQuarterFigures(q3, rows);
    expect(figures.byWeek.map((w) => [w.weekOf, w.acknowledged])).toEqual([
      ['2026-09-28', 1],
      ['2026-10-05', 1],
      ['2026-12-28', 1],
    ]);
  });
});

describe('alert response times from the week summaries', () => {
  /** A repeatable stream of numbers (no Math.random, so a failure can be replayed). */
  const numbers = (seed: number) => {
    let x = seed;
    return () => {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
      return x;
    };
  };
  const severities = ['critical', 'high', 'low'] as const;
  const mondays = ['2026-09-28', '2026-10-05', '2026-10-12', '2026-12-21', '2026-12-28'];

  /** Week rows of random alerts raised across each week (some times missing, some equal). */
  function randomRows(seed: number): AlertFigureWeek[] {
    const next = numbers(seed);
    return mondays.map((weekOf) => {
      const alerts: Record<string, AlertFigureEntry> = {};
      const count = next() % 30;
      for (let i = 0; i < count; i++) {
        const raisedAt = new Date(
          Date.parse(`${weekOf}T00:00:00Z`) + (next() % (7 * 24 * 60)) * 60_000,
        ).toISOString();
        const ack = next() % 4 ? (next() % 90) * 20_000 + (next() % 3) : null;
        const res = next() % 3 || ack === null ? (next() % 400) * 30_000 + (next() % 7) : null;
        alerts[`${weekOf}-${i}`] = [severities[next() % 3]!, raisedAt, ack, res];
      }
      return { weekOf, alerts };
    });
  }

  it('when a quarter is worked out from the summaries, then it equals the figures of the entries, straddling weeks and all', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rows = randomRows(seed);
      const summaries = rows.map((r) => ({
        weekOf: r.weekOf,
        summary: summariseAlertWeek(r.weekOf, r.alerts),
      }));
      const fromSummaries = alertQuarterFigures(q3, summaries);
      expect(fromSummaries).toEqual(alertQuarterFigures(q3, rows));
      // Worked out here from every entry: a week's and each severity's quarter medians and means.
      const inQ3 = (entries: readonly AlertFigureEntry[]) =>
        entries.filter(
          ([, raisedAt]) => raisedAt >= '2026-09-30T23:00:00.000Z' && raisedAt < '2027-01-01',
        );
      const expected = (entries: readonly AlertFigureEntry[]) => {
        const minutes = (i: 2 | 3) =>
          entries.flatMap((e) => (e[i] === null ? [] : [e[i]! / 60_000]));
        const whole = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));
        const mean = (v: number[]) =>
          v.length ? whole(v.reduce((a, b) => a + b, 0) / v.length) : undefined;
        return {
          acknowledged: minutes(2).length,
          medianMinutesToAcknowledge: whole(median(minutes(2))),
          meanMinutesToAcknowledge: mean(minutes(2)),
          resolved: minutes(3).length,
          medianMinutesToResolve: whole(median(minutes(3))),
          meanMinutesToResolve: mean(minutes(3)),
        };
      };
      for (const w of fromSummaries.byWeek) {
        const row = rows.find((r) => r.weekOf === w.weekOf)!;
        const entries = inQ3(Object.values(row.alerts)).filter((e) => e[0] === w.severity);
        expect(w).toMatchObject(expected(entries));
      }
      const all = inQ3(rows.flatMap((r) => Object.values(r.alerts)));
      for (const s of fromSummaries.bySeverity)
        expect(s).toEqual({
          severity: s.severity,
          ...expected(all.filter((e) => e[0] === s.severity)),
        });
      expect(fromSummaries.bySeverity.map((s) => s.severity)).toEqual(
        severities.filter((sev) => all.some((e) => e[0] === sev)),
      );
    }
  });

  it('when a week holds 1 October, then its summary keeps the alerts of each quarter apart', () => {
    const summary = summariseAlertWeek('2026-09-28', {
      a: ['high', '2026-09-30T22:59:59Z', 60_000, 120_000],
      b: ['high', '2026-09-30T23:00:00Z', 180_000, null],
      c: ['high', '2026-10-02T09:00:00Z', 30_000, 90_000],
    });
    expect(summary).toEqual({
      '2026-Q2': { high: { ack: [60_000], res: [120_000] } },
      '2026-Q3': { high: { ack: [30_000, 180_000], res: [90_000] } },
    });
  });

  it('when the mean falls on half a minute, then it rounds up, as before', () => {
    const rows: AlertFigureWeek[] = [
      {
        weekOf: '2026-10-05',
        alerts: {
          a: ['high', '2026-10-05T09:00:00Z', 60_000, 20_000],
          b: ['high', '2026-10-05T09:00:00Z', 120_000, 40_000],
          c: ['high', '2026-10-05T09:00:00Z', null, 30_000],
        },
      },
    ];
    const [week] = alertQuarterFigures(q3, rows).byWeek;
    expect(week!.meanMinutesToAcknowledge).toBe(2);
    expect(week!.medianMinutesToAcknowledge).toBe(2);
    expect(week!.meanMinutesToResolve).toBe(1);
  });
});

describe('HSA compliance per organisation', () => {
  const published = '2026-10-05T09:00:00Z';
  const hsa = (id: string, publishedAt = published, severityRank: 'high' | 'medium' = 'high') => ({
    id,
    dedupKey: id,
    title: `HSA ${id}`,
    publishedAt,
    severityRank,
  });
  const response = (alertId: string, orgCode: string, r: Partial<HsaResponse>): HsaResponse => ({
    alertId,
    orgCode,
    applicability: 'unknown',
    remediation: 'not started',
    ...r,
  });
  const orgs = [
    { code: 'RXH', name: 'University Hospitals Sussex' },
    { code: 'ESCC', name: 'East Sussex County Council' },
  ];
  const now = new Date('2026-11-30T12:00:00Z');

  it('when organisations acknowledge and patch on time or late, then the percentages and median say so', () => {
    const figures = hsaQuarterFigures(
      q3,
      [
        {
          alert: hsa('CC-1'),
          responses: [
            // Acknowledged at 10 h, patched after 4 days.
            response('CC-1', 'RXH', {
              applicability: 'affected',
              remediation: 'patched',
              acknowledgedAt: at(published, 10),
              patchedAt: at(published, 96),
            }),
            // Acknowledged at 50 h (late), mitigated at 20 days (late).
            response('CC-1', 'ESCC', {
              applicability: 'affected',
              remediation: 'mitigated',
              acknowledgedAt: at(published, 50),
              mitigatedAt: at(published, 480),
            }),
          ],
        },
        {
          alert: hsa('CC-2', '2026-11-02T09:00:00Z'),
          responses: [
            // Patched at 10 days.
            response('CC-2', 'RXH', {
              applicability: 'affected',
              remediation: 'patched',
              acknowledgedAt: at('2026-11-02T09:00:00Z', 1),
              patchedAt: at('2026-11-02T09:00:00Z', 240),
            }),
            // ESCC not affected, said so at 2 h.
            response('CC-2', 'ESCC', {
              applicability: 'not affected',
              acknowledgedAt: at('2026-11-02T09:00:00Z', 2),
            }),
          ],
        },
        // Published 29 Nov: the 48 hours have not passed, nobody has answered; nobody is counted late yet.
        { alert: hsa('CC-3', '2026-11-29T09:00:00Z'), responses: [] },
        // Medium: no clocks. Q2: another quarter.
        { alert: hsa('CC-4', published, 'medium'), responses: [] },
        { alert: hsa('CC-5', '2026-09-01T09:00:00Z'), responses: [] },
      ],
      orgs,
      now,
    );
    const [escc, rxh] = figures.byOrganisation;
    expect(rxh).toEqual({
      orgCode: 'RXH',
      orgName: 'University Hospitals Sussex',
      hsas: 3,
      acknowledgementsDue: 2,
      acknowledgedWithin48Hours: 2,
      acknowledgedWithin48HoursPercent: 100,
      patchesDue: 2,
      patchedOrMitigatedWithin14Days: 2,
      patchedOrMitigatedWithin14DaysPercent: 100,
      overdueNow: 0,
      medianDaysToPatch: 7,
    });
    expect(escc).toEqual({
      orgCode: 'ESCC',
      orgName: 'East Sussex County Council',
      hsas: 3,
      acknowledgementsDue: 2,
      acknowledgedWithin48Hours: 1,
      acknowledgedWithin48HoursPercent: 50,
      // CC-2 is not affected: no patch is due.
      patchesDue: 1,
      patchedOrMitigatedWithin14Days: 0,
      patchedOrMitigatedWithin14DaysPercent: 0,
      // CC-1 mitigated: still due a patch (passed 19 Oct) and an update.
      overdueNow: 1,
      medianDaysToPatch: undefined,
    });
    expect(
      figures.byHsa.map((h) => [
        h.dedupKey,
        h.states.map((s) => `${s.orgCode} ${s.state}${s.overdue ? '!' : ''}`),
      ]),
    ).toEqual([
      ['CC-1', ['ESCC Mitigated!', 'RXH Patched']],
      ['CC-2', ['ESCC Not affected', 'RXH Patched']],
      ['CC-3', ['ESCC Not acknowledged', 'RXH Not acknowledged']],
    ]);
  });
});

describe('risks, escalations and decisions', () => {
  const risk = (
    id: string,
    score: [number, number],
    status: Risk['status'],
    history: RiskEvent[],
  ): Risk =>
    ({
      id,
      title: `Risk ${id}`,
      description: '',
      orgCode: 'RXH',
      cafPrinciple: 'B4',
      likelihood: score[0],
      consequence: score[1],
      score: score[0] * score[1],
      band: 'high',
      owner: 'CISO',
      mitigations: [],
      reviewDate: '2027-01-01',
      status,
      raisedAt: '2026-09-01T09:00:00Z',
      raisedBy: actor,
      updatedAt: '2026-09-01T09:00:00Z',
      history,
    }) as Risk;
  const escalated = (riskId: string, at: string): RiskEvent => ({
    kind: 'escalated',
    riskId,
    at,
    actor,
    source: 'teams',
    reason: 'above-appetite',
    score: 20,
    statusFrom: 'open',
  });
  const decided = (riskId: string, at: string): RiskEvent => ({
    kind: 'decided',
    riskId,
    at,
    actor,
    source: 'tab',
    choice: 'treat',
    rationale: 'Patch it',
    decisionId: `d-${riskId}`,
    statusFrom: 'escalated',
    statusTo: 'treating',
  });

  it('when risks were escalated and decided, then each escalation shows how long it waited', () => {
    const risks = [
      risk('R-1', [4, 5], 'treating', [
        escalated('R-1', '2026-10-01T09:00:00Z'),
        decided('R-1', '2026-10-02T15:00:00Z'),
      ]),
      risk('R-2', [3, 3], 'escalated', [escalated('R-2', '2026-11-29T12:00:00Z')]),
      // Escalated and decided in Q2: not this quarter's.
      risk('R-3', [2, 2], 'accepted', [
        escalated('R-3', '2026-08-01T09:00:00Z'),
        decided('R-3', '2026-08-02T09:00:00Z'),
      ]),
      risk('R-4', [5, 5], 'closed', []),
    ];
    const decisions = [
      {
        id: 'd-R-1',
        loggedAt: '2026-10-02T15:00:00Z',
        decidedOn: '2026-10-02',
        text: 'Treat the risk',
        decidedBy: 'ics-cyber-group',
        outcome: 'treating',
        related: { kind: 'risk', id: 'R-1' },
      },
      {
        id: 'd-old',
        loggedAt: '2026-08-02T09:00:00Z',
        decidedOn: '2026-08-02',
        text: 'Old',
        decidedBy: 'forum',
        outcome: 'noted',
      },
    ] as Decision[];
    const figures = riskQuarterFigures(q3, risks, decisions, new Date('2026-11-30T12:00:00Z'));
    expect(figures.heatMap.total).toBe(3);
    expect(figures.heatMap.counts[3]![4]).toBe(1);
    expect(figures.topRisks.map((r) => r.id)).toEqual(['R-1', 'R-2', 'R-3']);
    expect(
      figures.escalations.map((e) => [e.riskId, e.decision?.label, e.waitedHours, e.waiting]),
    ).toEqual([
      ['R-1', 'Treat', 30, false],
      ['R-2', undefined, 24, true],
    ]);
    expect(figures.medianHoursToDecision).toBe(30);
    expect(figures.decisions).toEqual([
      {
        id: 'd-R-1',
        decidedOn: '2026-10-02',
        text: 'Treat the risk',
        decidedBy: 'ICS cyber group',
        outcome: 'Being treated',
        riskId: 'R-1',
      },
    ]);
  });
});

describe('when an organisation patches or mitigates', () => {
  it('then the response keeps when it first did, for the days to patch', async () => {
    const { newHsaResponse, setRemediation } = await import('../../../src/domain/alerts');
    const first = setRemediation(
      newHsaResponse('h', 'RXH'),
      'mitigated',
      actor,
      new Date('2026-10-06T09:00:00Z'),
    );
    const second =
      first.ok &&
      setRemediation(first.response, 'patched', actor, new Date('2026-10-08T09:00:00Z'));
    const back =
      second &&
      second.ok &&
      setRemediation(second.response, 'in progress', actor, new Date('2026-10-09T09:00:00Z'));
    const again =
      back &&
      back.ok &&
      setRemediation(back.response, 'patched', actor, new Date('2026-10-10T09:00:00Z'));
    expect(again && again.ok && [again.response.mitigatedAt, again.response.patchedAt]).toEqual([
      '2026-10-06T09:00:00.000Z',
      '2026-10-08T09:00:00.000Z',
    ]);
  });
});
