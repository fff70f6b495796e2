import * as fs from 'fs';
import * as path from 'path';
import { raiseAlert } from '../../../src/domain/alerts/alert';
import { applyUpdate } from '../../../src/domain/alerts/apply-update';
import {
  mapNhsCyberAlert,
  mapNhsCyberAlertPage,
  type NhsCyberAlert,
} from '../../../src/domain/alerts/nhs-cyber-alert';
import { HSA_SEVERITIES } from '../../../src/domain/alerts/severity';
import { jobActor } from '../../../src/domain/shared/actor';
import { RAISED_AT } from './builders';

const FIXTURES = path.join(__dirname, '../../fixtures/nhs-cyber-alerts');
const poller = jobActor('nhs-poller');

const readFixture = (file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
const fixtureFiles = fs.readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));

/** Every alert in a fixture file: the items of a page, or the one alert of a /single answer. */
function alertsIn(file: string): NhsCyberAlert[] {
  const json = readFixture(file) as { items?: unknown };
  if (Array.isArray(json.items)) {
    const page = mapNhsCyberAlertPage(json);
    expect(page.skipped).toEqual([]);
    return page.alerts;
  }
  const mapped = mapNhsCyberAlert(json);
  if (!mapped.ok) throw new Error(mapped.problem);
  return [mapped.value];
}

function mapped(json: unknown): NhsCyberAlert {
  const result = mapNhsCyberAlert(json);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
}

describe('NHS cyber alerts API fixtures', () => {
  test('when the fixtures folder is read, then it holds pages and single answers', () => {
    expect(fixtureFiles).toEqual(
      expect.arrayContaining([
        'page-1.json',
        'page-2.json',
        'single-CC-9002.json',
        'single-CC-9003.json',
      ]),
    );
  });

  test.each(fixtureFiles)(
    'when %s is mapped, then every alert in it becomes a valid HSA',
    (file) => {
      const alerts = alertsIn(file);
      expect(alerts.length).toBeGreaterThan(0);
      for (const { incoming } of alerts) {
        expect(incoming.source).toBe('hsa');
        expect(incoming.dedupKey).toMatch(/^CC-\d+$/);
        expect(incoming.title).not.toBe('');
        expect(HSA_SEVERITIES).toContain(incoming.severity);
        expect(incoming.url).toBe(
          `https://digital.nhs.uk/cyber-alerts/2026/${incoming.dedupKey.toLowerCase()}`,
        );
        expect(() =>
          raiseAlert(incoming, { id: incoming.dedupKey, actor: poller, at: RAISED_AT }),
        ).not.toThrow();
      }
    },
  );

  test('when page 1 is mapped, then its items are HSAs with severity, summary and publication time', () => {
    const page = mapNhsCyberAlertPage(readFixture('page-1.json'));
    expect(page).toMatchObject({ currentPage: 1, totalPages: 2, skipped: [] });
    expect(
      page.alerts.map((a) => [a.incoming.dedupKey, a.incoming.severity, a.incoming.publishedAt]),
    ).toEqual([
      ['CC-9003', 'High', '2026-11-27T09:00:00.000Z'],
      ['CC-9002', 'Medium', '2026-11-24T09:00:00.000Z'],
      ['CC-9001', 'Low', '2026-11-20T09:00:00.000Z'],
    ]);
    expect(page.alerts[2]).toEqual({
      incoming: {
        source: 'hsa',
        dedupKey: 'CC-9001',
        title: 'Phishing campaign impersonating NHS payroll',
        severity: 'Low',
        summary:
          'A phishing campaign using payroll-themed lures against health and care staff has been observed.',
        url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9001',
        cves: undefined,
        remediation: undefined,
        publishedAt: '2026-11-20T09:00:00.000Z',
      },
      restricted: false,
      severityGiven: true,
      threatType: 'Attack Methodology',
    });
  });

  test('when a page item has no CVE list, then CVEs are "not said" rather than none', () => {
    const [item] = mapNhsCyberAlertPage(readFixture('page-1.json')).alerts;
    expect(item.incoming.cves).toBeUndefined();
  });

  test('when the restricted alert on page 2 is mapped, then it is Information only, flagged, with its NHS link', () => {
    const [restricted] = alertsIn('page-2.json');
    expect(restricted).toMatchObject({
      restricted: true,
      severityGiven: false,
      threatType: undefined,
      incoming: {
        dedupKey: 'CC-9000',
        title: 'Restricted alert',
        severity: 'Information only',
        summary: 'This alert is available to registered organisations only.',
        url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9000',
      },
    });
  });

  test('when /single for CC-9003 is mapped, then CVEs and remediation steps are plain text, and the NHS page wins over ncscLink', () => {
    const [alert] = alertsIn('single-CC-9003.json');
    expect(alert.incoming).toMatchObject({
      dedupKey: 'CC-9003',
      severity: 'High',
      cves: ['CVE-2026-90001', 'CVE-2026-90002'],
      url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9003',
      remediation: [
        'Affected organisations are strongly encouraged to apply the updates immediately.',
        '1. Update: Upgrade Example VPN Gateway to 24.3.2 or later.',
        '2. Investigate: Review gateway logs for the indicators below since 1 November 2026.',
      ].join('\n'),
    });
  });

  test('when /single for CC-9002 is mapped, then its null ncscLink is no problem', () => {
    const [alert] = alertsIn('single-CC-9002.json');
    expect(alert.incoming).toMatchObject({
      cves: ['CVE-2026-90010'],
      url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9002',
      remediation:
        'Apply the monthly updates.\n1. Update: Install the November 2026 cumulative update.',
    });
  });

  test.each(['CC-9002', 'CC-9003'])(
    'when the page item for %s is applied to the alert made from /single, then nothing changes',
    (threatId) => {
      const [single] = alertsIn(`single-${threatId}.json`);
      const item = alertsIn('page-1.json').find((a) => a.incoming.dedupKey === threatId);
      const { alert } = raiseAlert(single.incoming, { id: threatId, actor: poller, at: RAISED_AT });
      expect(item).toBeDefined();
      expect(applyUpdate(alert, item!.incoming, poller, RAISED_AT)).toBe('unchanged');
    },
  );
});

describe('NHS cyber alert mapping: missing, null and odd fields', () => {
  test('when every field but threatId is null, then it still maps, with a stand-in title', () => {
    const nulls = {
      threatId: 'CC-1',
      publishedDate: null,
      title: null,
      summary: null,
      shortsummary: null,
      severity: null,
      category: null,
      threatType: null,
      threatvector: null,
      cveIdentifiers: null,
      remediationIntro: null,
      remediationSteps: null,
      ncscLink: null,
      publicallyAccessible: null,
    };
    expect(mapped(nulls)).toEqual({
      incoming: {
        source: 'hsa',
        dedupKey: 'CC-1',
        title: 'NHS cyber alert CC-1',
        severity: 'Information only',
        summary: undefined,
        url: undefined,
        cves: undefined,
        remediation: undefined,
        publishedAt: undefined,
      },
      restricted: false,
      severityGiven: false,
      threatType: undefined,
    });
  });

  test('when only threatId is there, then it maps the same way as all nulls', () => {
    expect(mapped({ threatId: 'CC-1' }).incoming.title).toBe('NHS cyber alert CC-1');
  });

  test.each([
    ['not an object', null, 'The alert is not a JSON object.'],
    ['a list', [], 'The alert is not a JSON object.'],
    ['no threatId', { title: 'x' }, 'The alert has no threatId.'],
    ['a blank threatId', { threatId: '  ' }, 'The alert has no threatId.'],
    ['a numeric threatId', { threatId: 9003 }, 'The alert has no threatId.'],
    [
      'a threatId with a line break',
      { threatId: 'CC-1\nCC-2' },
      'The threatId "CC-1 CC-2" is not a usable id.',
    ],
  ])('when the alert is %s, then it cannot be mapped', (_label, json, problem) => {
    expect(mapNhsCyberAlert(json)).toEqual({ ok: false, problem });
  });

  test.each([
    ['High', 'High', true],
    ['high', 'High', true],
    ['Critical', 'High', true],
    [' Medium ', 'Medium', true],
    ['Low', 'Low', true],
    ['Information only', 'Information only', true],
    ['Information', 'Information only', true],
    ['Severe', 'Information only', false],
    [7, 'Information only', false],
  ])('when the severity is %j, then the HSA shows %s', (severity, shown, given) => {
    const { incoming, severityGiven } = mapped({ threatId: 'CC-1', severity });
    expect([incoming.severity, severityGiven]).toEqual([shown, given]);
  });

  test('when the id is lower case, then the dedup key is upper case and the link lower case', () => {
    const { incoming } = mapped({ threatId: 'cc-4719', publishedDate: 1795770000000 });
    expect([incoming.dedupKey, incoming.url]).toEqual([
      'CC-4719',
      'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
    ]);
  });

  test.each([
    ['missing', undefined, undefined],
    ['a digit string', '1795770000000', '2026-11-27T09:00:00.000Z'],
    ['negative', -5, undefined],
    ['before 2000', 0, undefined],
    ['words', 'last week', undefined],
    ['infinite', Infinity, undefined],
  ])(
    'when publishedDate is %s, then the publication time is %s',
    (_label, publishedDate, expected) => {
      expect(mapped({ threatId: 'CC-1', publishedDate }).incoming.publishedAt).toBe(expected);
    },
  );

  test('when the publication year is unknown, then ncscLink is the link, if it is https', () => {
    expect(
      mapped({ threatId: 'CC-1', ncscLink: 'https://www.ncsc.gov.uk/news/x' }).incoming.url,
    ).toBe('https://www.ncsc.gov.uk/news/x');
    expect(
      mapped({ threatId: 'CC-1', ncscLink: 'http://www.ncsc.gov.uk/' }).incoming.url,
    ).toBeUndefined();
    expect(
      mapped({ threatId: 'CC-1', ncscLink: 'javascript:alert(1)' }).incoming.url,
    ).toBeUndefined();
  });

  test('when the title and summary are missing, then the short summary stands in for both', () => {
    const { incoming } = mapped({
      threatId: 'CC-1',
      title: null,
      summary: null,
      shortsummary: 'Short one',
    });
    expect([incoming.title, incoming.summary]).toEqual(['Short one', 'Short one']);
  });

  test('when CVE identifiers hold nulls, junk and repeats, then only real CVE ids are kept, once', () => {
    const { incoming } = mapped({
      threatId: 'CC-1',
      cveIdentifiers: [
        null,
        { cveIdentifier: null },
        { cveIdentifier: 'cve-2026-90001', cveText: 'x' },
        { cveIdentifier: 'CVE-2026-90001' },
        { cveIdentifier: 'not a cve' },
        'CVE-2026-90003',
        42,
      ],
    });
    expect(incoming.cves).toEqual(['CVE-2026-90001', 'CVE-2026-90003']);
  });

  test('when CVE identifiers is an empty list, then the alert has no CVEs (said, not missing)', () => {
    expect(mapped({ threatId: 'CC-1', cveIdentifiers: [] }).incoming.cves).toEqual([]);
  });

  test('when remediation is HTML with lists, entities, scripts and steps out of order, then it becomes tidy plain text', () => {
    const { incoming } = mapped({
      threatId: 'CC-1',
      remediationIntro: {
        content:
          '<p>Do this &amp; that:</p><ul><li>First&nbsp;thing</li><li>Second &lt;thing&gt;</li></ul><script>alert(1)</script>',
      },
      remediationSteps: [
        {
          step: '2',
          type: 'Investigate',
          action: '<p>Check logs<br>since &#8216;1 Nov&#8217;.</p>',
        },
        null,
        { step: '1', type: null, action: '<p><strong>Patch</strong> now.</p>' },
        { step: '3', type: 'Update', action: null },
      ],
    });
    expect(incoming.remediation).toBe(
      [
        'Do this & that:',
        '- First thing',
        '- Second <thing>',
        '1. Patch now.',
        '2. Investigate: Check logs',
        'since ‘1 Nov’.',
      ].join('\n'),
    );
  });

  test('when remediation is an empty intro and no steps, then remediation is not said', () => {
    expect(
      mapped({ threatId: 'CC-1', remediationIntro: { content: '' }, remediationSteps: [] }).incoming
        .remediation,
    ).toBeUndefined();
  });

  test('when a summary is longer than 4,000 characters, then it is cut with an ellipsis', () => {
    const summary = mapped({ threatId: 'CC-1', summary: 'a'.repeat(5000) }).incoming.summary!;
    expect(summary).toHaveLength(4000);
    expect(summary.endsWith('…')).toBe(true);
  });

  test('when a page holds unusable items, then they are skipped with the reason and the rest map', () => {
    const page = mapNhsCyberAlertPage({
      currentPage: 3,
      totalPages: 'many',
      items: [null, { threatId: 'CC-2' }, { title: 'no id' }],
      unknownField: true,
    });
    expect(page.alerts.map((a) => a.incoming.dedupKey)).toEqual(['CC-2']);
    expect(page.skipped).toEqual([
      'Item 1: The alert is not a JSON object.',
      'Item 3: The alert has no threatId.',
    ]);
    expect([page.currentPage, page.totalPages]).toEqual([3, undefined]);
  });

  test.each([
    ['null', null, ['The page is not a JSON object.']],
    ['items that are not a list', { items: 'x' }, ['The page has no list of items.']],
    ['no items', { items: null, currentPage: 1 }, []],
  ])(
    'when the page is %s, then no alerts come out and the reason is given',
    (_label, json, skipped) => {
      expect(mapNhsCyberAlertPage(json)).toMatchObject({ alerts: [], skipped });
    },
  );
});
