import { applyUpdate } from '../../../src/domain/alerts/apply-update';
import type { Alert, IncomingAlert } from '../../../src/domain/alerts/alert';
import { acknowledge } from '../../../src/domain/alerts/acknowledge';
import { CtacError } from '../../../src/domain/shared/errors';
import { raiseAlert } from '../../../src/domain/alerts/alert';
import { after, alex, changed, incidentIn, minutes, raised, sam, webhook } from './builders';

const AT = after(minutes(10));

function update(alert: Alert, overrides: Partial<IncomingAlert>) {
  return applyUpdate(alert, incidentIn(overrides), webhook, AT);
}

describe('applying an update from the sender', () => {
  test.each<[string, Partial<IncomingAlert>]>([
    ['the same content', {}],
    [
      'the same content with extra white space',
      { title: '  Ransomware   detected on a file server ' },
    ],
    ['the CVEs in another order and case', { cves: ['cve-2026-1234', 'CVE-2026-1234'] }],
    ['the organisations in lower case', { organisations: ['rxh'] }],
    [
      'no summary, url, CVEs or organisations (not said)',
      {
        summary: undefined,
        url: undefined,
        cves: undefined,
        organisations: undefined,
      },
    ],
  ])('when the sender sends %s, then it is unchanged', (_label, overrides) => {
    expect(update(raised(), overrides)).toBe('unchanged');
  });

  test.each<[string, Partial<IncomingAlert>, string[]]>([
    ['a new title', { title: 'Ransomware contained' }, ['title']],
    ['a new severity', { severity: 'critical' }, ['severity']],
    ['a new summary', { summary: 'Two more hosts isolated.' }, ['summary']],
    ['an empty summary', { summary: '' }, ['summary']],
    ['a new link', { url: 'https://msp.example.com/incidents/1001?v=2' }, ['url']],
    ['another CVE', { cves: ['CVE-2026-1234', 'CVE-2026-99999'] }, ['cves']],
    ['no CVEs any more', { cves: [] }, ['cves']],
    ['another organisation', { organisations: ['RXH', 'ESCC'] }, ['organisations']],
    ['affected products', { affectedProducts: ['Example VPN Gateway'] }, ['affectedProducts']],
    ['remediation', { remediation: 'Patch to 24.3.2.' }, ['remediation']],
    [
      'a new title, severity and CVEs at once',
      { title: 'Worse', severity: 'critical', cves: [] },
      ['title', 'severity', 'cves'],
    ],
  ])(
    'when the sender sends %s, then the alert is updated and the event names the changed fields',
    (_label, overrides, fields) => {
      const before = raised();
      const outcome = update(before, overrides);
      expect(outcome).not.toBe('unchanged');
      if (outcome === 'unchanged') return;
      expect(outcome.event).toMatchObject({
        kind: 'updated',
        changes: fields,
        actor: webhook,
        at: AT.toISOString(),
      });
      expect(outcome.event.seq).toBe(before.timeline.length);
      expect(outcome.alert.timeline).toHaveLength(before.timeline.length + 1);
    },
  );

  test('when the severity rises, then the rank follows and the event keeps the old severity', () => {
    const outcome = update(raised(), { severity: 'critical' });
    expect(outcome !== 'unchanged' && outcome.alert).toMatchObject({
      severity: 'critical',
      severityRank: 'critical',
    });
    expect(outcome !== 'unchanged' && outcome.event).toMatchObject({ severityBefore: 'high' });
  });

  test('when an acknowledged alert is updated, then it stays acknowledged and keeps its publication time', () => {
    const acked = changed(acknowledge(raised(), alex, after(minutes(1))));
    const outcome = update(acked, { title: 'New title', publishedAt: '2026-12-01T00:00:00Z' });
    expect(outcome !== 'unchanged' && outcome.alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: alex,
      title: 'New title',
      publishedAt: acked.publishedAt,
    });
  });

  test.each<[string, Partial<IncomingAlert>]>([
    ['another id', { dedupKey: 'MSP-2002' }],
    // An incident's id (MSP-1001) is not an HSA id, so the HSA names one that is.
    ['another source', { source: 'hsa', dedupKey: 'CC-1001', severity: 'High' }],
  ])(
    'when the update has %s, then it is a conflict and the alert is untouched',
    (_label, overrides) => {
      const before = raised();
      let error: unknown;
      try {
        update(before, overrides);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CtacError);
      expect((error as CtacError).code).toBe('conflict');
      expect(before.timeline).toHaveLength(1);
    },
  );

  test('when the NHS feed sends an HSA a member raised from the chat, then its clocks start at the feed’s publication time, once', () => {
    const typed = raiseAlert(
      { source: 'hsa', dedupKey: 'CC-4719', title: 'Typed in', severity: 'High' },
      { id: 'alert-2', actor: sam, at: after(minutes(5)) },
    ).alert;
    const feed = incidentIn({
      source: 'hsa',
      dedupKey: 'CC-4719',
      title: 'Typed in',
      severity: 'High',
      publishedAt: '2026-11-27T09:00:00Z',
    });
    const outcome = applyUpdate(typed, feed, webhook, AT);
    expect(outcome !== 'unchanged' && outcome.alert.publishedAt).toBe('2026-11-27T09:00:00.000Z');
    expect(outcome !== 'unchanged' && outcome.event).toMatchObject({
      changes: expect.arrayContaining(['publishedAt']),
    });
    // Taken from a sender since, the publication time stays put.
    const taken = (outcome as Exclude<typeof outcome, 'unchanged'>).alert;
    expect(applyUpdate(taken, { ...feed, publishedAt: '2026-11-27T10:00:00Z' }, webhook, AT)).toBe(
      'unchanged',
    );
  });

  test('when an HSA update spells the id in lower case, then it is the same alert', () => {
    const hsa = raised({ source: 'hsa', dedupKey: 'CC-4719', severity: 'High' });
    expect(
      applyUpdate(
        hsa,
        incidentIn({ source: 'hsa', dedupKey: ' cc-4719 ', severity: 'High' }),
        webhook,
        AT,
      ),
    ).toBe('unchanged');
  });

  test('when an incident update spells the id in another case, then it is another alert', () => {
    expect(() => update(raised(), { dedupKey: 'msp-1001' })).toThrow(CtacError);
  });
});

describe('the order of the sender’s versions', () => {
  const SENT = '2026-11-28T09:05:00.000Z';
  const taken = (result: ReturnType<typeof applyUpdate>): Alert => {
    if (result === 'unchanged') throw new Error('expected the version to be taken');
    return result.alert;
  };
  const newer = () =>
    taken(applyUpdate(raised(), incidentIn({ title: 'Now spreading', sentAt: SENT }), webhook, AT));

  test('when a version changes the alert, then the alert remembers when the sender sent it', () => {
    expect(newer().lastSentAt).toBe(SENT);
    expect(raised({ sentAt: '2026-11-28T08:59:00Z' }).lastSentAt).toBe('2026-11-28T08:59:00.000Z');
  });

  test('when a version sent before the last one taken arrives, then it changes nothing', () => {
    expect(
      applyUpdate(
        newer(),
        incidentIn({ title: 'First report', sentAt: '2026-11-28T09:04:59Z' }),
        webhook,
        AT,
      ),
    ).toBe('unchanged');
  });

  test('when a version sent at the same time or later arrives, then it is taken', () => {
    for (const sentAt of [SENT, '2026-11-28T09:06:00Z']) {
      const next = taken(
        applyUpdate(newer(), incidentIn({ title: 'Contained', sentAt }), webhook, AT),
      );
      expect(next.title).toBe('Contained');
      expect(next.lastSentAt).toBe(new Date(sentAt).toISOString());
    }
  });

  test('when a sender does not say when it sent a version, then it is taken as before', () => {
    expect(taken(applyUpdate(newer(), incidentIn({ title: 'Contained' }), webhook, AT)).title).toBe(
      'Contained',
    );
  });

  test('when sentAt is not a date, then the alert is refused with a clear problem', () => {
    expect(() => update(raised(), { sentAt: 'yesterday-ish' })).toThrow(CtacError);
  });
});
