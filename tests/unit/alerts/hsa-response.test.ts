import {
  acknowledgedInTime,
  acknowledgeHsa,
  giveHsaUpdate,
  hsaResponseDueDates,
  isHsaFinished,
  isResponseFinished,
  newHsaResponse,
  overdueItems,
  setApplicability,
  setRemediation,
  type HsaApplicability,
  type HsaForResponse,
  type HsaRemediation,
  type HsaResponse,
  type HsaResponseOutcome,
} from '../../../src/domain/alerts/hsa-response';
import type { SeverityRank } from '../../../src/domain/alerts/severity';
import { alex, sam } from './builders';

const hsa = (publishedAt: string, severityRank: SeverityRank = 'high'): HsaForResponse => ({
  publishedAt,
  severityRank,
});
const iso = (d: Date | undefined): string | undefined => d?.toISOString();

function ok(outcome: HsaResponseOutcome): HsaResponse {
  if (!outcome.ok) throw new Error(`expected a change, got ${outcome.code}: ${outcome.message}`);
  return outcome.response;
}

const fresh = (): HsaResponse => newHsaResponse('alert-cc-9003', 'RXH');

describe('HSA response deadlines', () => {
  test.each([
    // label, published, acknowledge by (48 h), next update by (3 UK days), patch by (14 UK days)
    [
      'in winter',
      '2026-11-27T09:00:00.000Z',
      '2026-11-29T09:00:00.000Z',
      '2026-11-30T09:00:00.000Z',
      '2026-12-11T09:00:00.000Z',
    ],
    [
      'across the spring clock change (29 Mar)',
      '2026-03-27T10:00:00.000Z',
      '2026-03-29T10:00:00.000Z', // 48 elapsed hours: 11:00 BST
      '2026-03-30T09:00:00.000Z', // 10:00 BST, the same UK clock time: 71 hours
      '2026-04-10T09:00:00.000Z',
    ],
    [
      'across the autumn clock change (25 Oct)',
      '2026-10-23T09:00:00.000Z',
      '2026-10-25T09:00:00.000Z', // 48 elapsed hours: 09:00 GMT
      '2026-10-26T10:00:00.000Z', // 10:00 GMT, the same UK clock time: 73 hours
      '2026-11-06T10:00:00.000Z',
    ],
  ])(
    'when a high HSA is published %s, then the deadlines are 48 h, 3 days and 14 days',
    (_l, published, ack, update, patch) => {
      const due = hsaResponseDueDates(fresh(), hsa(published));
      expect([iso(due.acknowledgeBy), iso(due.nextUpdateBy), iso(due.patchBy)]).toEqual([
        ack,
        update,
        patch,
      ]);
    },
  );

  test.each<[SeverityRank, boolean]>([
    ['critical', true],
    ['high', true],
    ['medium', false],
    ['low', false],
    ['information', false],
  ])('when the HSA is %s, then a patch deadline applies: %s', (rank, applies) => {
    expect(
      hsaResponseDueDates(fresh(), hsa('2026-11-27T09:00:00Z', rank)).patchBy !== undefined,
    ).toBe(applies);
  });

  test.each<[string, boolean, boolean, HsaApplicability, HsaRemediation]>([
    ['unknown and not started', true, true, 'unknown', 'not started'],
    ['affected, in progress', true, true, 'affected', 'in progress'],
    ['affected, mitigated (a stopgap)', true, true, 'affected', 'mitigated'],
    ['affected, patched', false, true, 'affected', 'patched'],
    ['not affected', false, false, 'not affected', 'not started'],
  ])(
    'when the organisation is %s, then an update is due: %s, and a patch is due: %s',
    (_l, update, patch, applicability, remediation) => {
      const due = hsaResponseDueDates(
        { ...fresh(), applicability, remediation },
        hsa('2026-11-27T09:00:00Z'),
      );
      expect([due.nextUpdateBy !== undefined, due.patchBy !== undefined]).toEqual([update, patch]);
    },
  );

  test.each<SeverityRank>(['medium', 'low', 'information'])(
    'when NHS England publishes the alert as %s, not High, then no clock runs and nothing is ever overdue',
    (rank) => {
      expect(hsaResponseDueDates(fresh(), hsa('2026-11-27T09:00:00Z', rank))).toEqual({});
      expect(
        overdueItems(fresh(), hsa('2026-11-27T09:00:00Z', rank), new Date('2027-06-01')),
      ).toEqual([]);
    },
  );

  test('when the organisation last gave an update, then the next is due 3 UK days after it', () => {
    const updated = ok(
      giveHsaUpdate(fresh(), 'Scanning estate.', sam, new Date('2026-11-29T12:00:00Z')),
    );
    const due = hsaResponseDueDates(updated, hsa('2026-11-27T09:00:00Z'));
    expect(iso(due.nextUpdateBy)).toBe('2026-12-02T12:00:00.000Z');
  });
});

describe('overdue HSA responses', () => {
  const published = hsa('2026-11-27T09:00:00Z');

  test.each([
    ['at publication', [], '2026-11-27T09:00:00Z'],
    ['exactly at the acknowledgement deadline', [], '2026-11-29T09:00:00Z'],
    ['a second after the acknowledgement deadline', ['acknowledgement'], '2026-11-29T09:00:01Z'],
    ['after the first update was due', ['acknowledgement', 'update'], '2026-11-30T09:00:01Z'],
    ['after the patch was due', ['acknowledgement', 'update', 'patch'], '2026-12-11T09:00:01Z'],
  ])('when nobody has answered and it is %s, then overdue is %j', (_l, kinds, now) => {
    expect(overdueItems(fresh(), published, new Date(now)).map((i) => i.kind)).toEqual(kinds);
  });

  test('when something is overdue, then the message names the organisation and the UK deadline', () => {
    expect(
      overdueItems(fresh(), hsa('2026-03-27T10:00:00Z'), new Date('2026-03-29T10:30:00Z')),
    ).toEqual([
      {
        kind: 'acknowledgement',
        dueAt: '2026-03-29T10:00:00.000Z',
        message: 'RXH: acknowledging the HSA was due by 29 Mar 2026, 11:00.',
      },
    ]);
  });

  test('when the organisation acknowledged and keeps updating, then only the patch can be overdue', () => {
    let response = ok(acknowledgeHsa(fresh(), sam, new Date('2026-11-27T10:00:00Z')));
    response = ok(setRemediation(response, 'mitigated', sam, new Date('2026-12-09T09:00:00Z')));
    expect(
      overdueItems(response, published, new Date('2026-12-11T09:00:01Z')).map((i) => i.kind),
    ).toEqual(['patch']);
  });

  test('when the organisation has patched or is not affected, then nothing is overdue', () => {
    const patched = ok(setRemediation(fresh(), 'patched', sam, new Date('2026-11-28T09:00:00Z')));
    const notAffected = ok(
      setApplicability(fresh(), 'not affected', sam, new Date('2026-11-28T09:00:00Z')),
    );
    expect(overdueItems(patched, published, new Date('2027-01-01T00:00:00Z'))).toEqual([]);
    expect(overdueItems(notAffected, published, new Date('2027-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('finished with an HSA', () => {
  test.each<[HsaApplicability, HsaRemediation, boolean]>([
    ['unknown', 'not started', false],
    ['affected', 'in progress', false],
    ['affected', 'mitigated', true],
    ['affected', 'patched', true],
    ['not affected', 'not started', true],
  ])(
    'when the organisation is %s and %s, then it has finished: %s',
    (applicability, remediation, done) => {
      expect(isResponseFinished({ applicability, remediation })).toBe(done);
    },
  );

  test('when one organisation has not finished, then the HSA has not', () => {
    const patched = { applicability: 'affected', remediation: 'patched' } as const;
    const busy = { applicability: 'affected', remediation: 'in progress' } as const;
    expect(isHsaFinished([patched, patched])).toBe(true);
    expect(isHsaFinished([patched, busy])).toBe(false);
  });
});

describe('acknowledged in time', () => {
  const published = hsa('2026-11-27T09:00:00Z');

  test.each([
    ['nobody has acknowledged', undefined, false],
    ['acknowledged at publication', '2026-11-27T09:00:00.000Z', true],
    ['acknowledged exactly 48 hours after publication', '2026-11-29T09:00:00.000Z', true],
    ['acknowledged a second after the 48 hours', '2026-11-29T09:00:01.000Z', false],
  ])('when %s, then in time is %p', (_l, acknowledgedAt, expected) => {
    expect(acknowledgedInTime({ ...fresh(), acknowledgedAt }, published)).toBe(expected);
  });

  test('when the clocks change within the 48 hours, then it is still 48 elapsed hours', () => {
    const beforeSpringForward = hsa('2026-03-28T09:00:00Z');
    expect(
      acknowledgedInTime({ acknowledgedAt: '2026-03-30T09:00:00.000Z' }, beforeSpringForward),
    ).toBe(true);
    expect(
      acknowledgedInTime({ acknowledgedAt: '2026-03-30T09:00:00.001Z' }, beforeSpringForward),
    ).toBe(false);
  });
});

describe('HSA response changes', () => {
  const at = new Date('2026-11-28T09:00:00Z');

  test('when a member acknowledges, then the response and event record who, from where and when', () => {
    const outcome = acknowledgeHsa(fresh(), sam, at);
    expect(outcome).toEqual({
      ok: true,
      response: {
        ...fresh(),
        acknowledgedBy: sam,
        acknowledgedAt: at.toISOString(),
        lastUpdateAt: at.toISOString(),
        lastUpdateBy: sam,
      },
      event: {
        kind: 'acknowledged',
        alertId: 'alert-cc-9003',
        orgCode: 'RXH',
        actor: sam,
        source: 'teams',
        at: at.toISOString(),
        acknowledged: true,
      },
    });
  });

  test('when the organisation acknowledges twice, then the second says who did it and when', () => {
    const first = ok(acknowledgeHsa(fresh(), sam, at));
    const second = acknowledgeHsa(first, alex, new Date('2026-11-28T10:00:00Z'));
    expect(second).toEqual({
      ok: false,
      code: 'already_acknowledged',
      message: 'RXH already acknowledged this HSA: Sam Patel at 28 Nov 2026, 09:00.',
      response: first,
    });
  });

  test('when the first word is setting applicability, then it also acknowledges', () => {
    const outcome = setApplicability(fresh(), 'affected', alex, at);
    expect(outcome.ok && outcome.event).toMatchObject({
      kind: 'applicability',
      from: 'unknown',
      to: 'affected',
      acknowledged: true,
      source: 'tab',
    });
    expect(outcome.ok && outcome.response.acknowledgedBy).toEqual(alex);
  });

  test('when a later change is made, then it does not acknowledge again', () => {
    const acked = ok(acknowledgeHsa(fresh(), sam, at));
    const outcome = setRemediation(acked, 'in progress', alex, new Date('2026-11-29T09:00:00Z'));
    expect(outcome.ok && outcome.event).toMatchObject({
      acknowledged: false,
      from: 'not started',
      to: 'in progress',
    });
    expect(outcome.ok && outcome.response).toMatchObject({
      acknowledgedBy: sam,
      lastUpdateBy: alex,
      lastUpdateAt: '2026-11-29T09:00:00.000Z',
    });
  });

  test.each<[HsaRemediation, HsaApplicability]>([
    ['in progress', 'affected'],
    ['mitigated', 'affected'],
    ['patched', 'affected'],
  ])(
    'when remediation is set to %s, then the organisation is marked %s',
    (remediation, applicability) => {
      const response = ok(
        setRemediation({ ...fresh(), applicability: 'unknown' }, remediation, sam, at),
      );
      expect(response.applicability).toBe(applicability);
    },
  );

  test.each([
    [
      'applicability to what it is',
      () => setApplicability(fresh(), 'unknown', sam, at),
      'unchanged',
    ],
    [
      'remediation to what it is',
      () => setRemediation(fresh(), 'not started', sam, at),
      'unchanged',
    ],
    [
      'applicability to a made-up value',
      () => setApplicability(fresh(), 'maybe' as HsaApplicability, sam, at),
      'invalid_value',
    ],
    [
      'remediation to a made-up value',
      () => setRemediation(fresh(), 'done' as HsaRemediation, sam, at),
      'invalid_value',
    ],
    ['an update with no words', () => giveHsaUpdate(fresh(), '  ', sam, at), 'note_required'],
    [
      'an update that is too long',
      () => giveHsaUpdate(fresh(), 'u'.repeat(2001), sam, at),
      'note_too_long',
    ],
  ])('when setting %s, then it is refused and nothing changes', (_l, run, code) => {
    const outcome = run();
    expect(outcome.ok || outcome.code).toBe(code);
    expect(outcome.response).toEqual(fresh());
  });

  test('when an update is given, then its words are kept and recorded', () => {
    const outcome = giveHsaUpdate(fresh(), ' 40 of 52 gateways patched. ', sam, at);
    expect(outcome.ok && outcome.response.lastNote).toBe('40 of 52 gateways patched.');
    expect(outcome.ok && outcome.event).toMatchObject({
      kind: 'update',
      note: '40 of 52 gateways patched.',
    });
  });
});
