import { raiseAlert } from '../../../src/domain/alerts/alert';
import type { SeverityRank } from '../../../src/domain/alerts/severity';
import {
  parseWebhookBody,
  webhookBodyToIncoming,
  type WebhookAlertBody,
} from '../../../src/domain/alerts/webhook-body';
import { RAISED_AT, webhook } from './builders';

const minimal = {
  source: 'hsa',
  id: 'CC-4719',
  title: 'Critical RCE in Example VPN',
  severity: 'high',
};

function problemsOf(json: unknown): string[] {
  const result = parseWebhookBody(json);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

function valueOf(json: unknown): WebhookAlertBody {
  const result = parseWebhookBody(json);
  if (!result.ok) throw new Error(`expected a valid body, got ${result.problems.join(' | ')}`);
  return result.value;
}

describe('webhook body: valid bodies', () => {
  test('when only the required fields are sent, then the body is valid', () => {
    expect(valueOf(minimal)).toEqual(minimal);
  });

  test('when every field is sent, then each is tidied: CVEs and codes upper case, time in UTC', () => {
    const value = valueOf({
      ...minimal,
      summary: 'Line one\r\nLine two',
      url: ' https://digital.nhs.uk/cyber-alerts/2026/cc-4719 ',
      cves: ['cve-2026-1234', 'CVE-2026-1234', 'CVE-2026-1234567'],
      organisations: ['rxh', 'ESCC', 'RXH'],
      publishedAt: '2026-07-01T09:00:00.123+01:00',
    });
    expect(value).toEqual({
      ...minimal,
      summary: 'Line one\nLine two',
      url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
      cves: ['CVE-2026-1234', 'CVE-2026-1234567'],
      organisations: ['RXH', 'ESCC'],
      publishedAt: '2026-07-01T08:00:00.123Z',
    });
  });

  test('when extra fields are sent, then they are allowed and dropped', () => {
    const value = valueOf({ ...minimal, priority: 'P1', nested: { a: 1 }, cves: [], vendor: null });
    expect(value).toEqual({ ...minimal, cves: [] });
    expect(Object.keys(value)).not.toContain('priority');
  });

  test('when optional fields are null, then they count as not sent', () => {
    const value = valueOf({
      ...minimal,
      summary: null,
      url: null,
      cves: null,
      organisations: null,
      publishedAt: null,
    });
    expect(value).toEqual(minimal);
  });

  test.each([
    [
      'emoji and accents',
      'Ransomware 🔥 at Ysbyty Gwynedd – “urgent”',
      'Ransomware 🔥 at Ysbyty Gwynedd – “urgent”',
    ],
    ['a family emoji joined with zero-width joiners', 'Staff 👩‍👩‍👧 phished', 'Staff 👩‍👩‍👧 phished'],
    ['line breaks and tabs', 'Two\nlines\tand a tab', 'Two lines and a tab'],
    ['a right-to-left override', 'Invoice \u202Egpj.exe', 'Invoice gpj.exe'],
    ['a bell and a NUL', 'Bad\u0007\u0000title', 'Bad title'],
    ['Arabic and Chinese', 'تنبيه 警报', 'تنبيه 警报'],
  ])(
    'when the title has %s, then it is kept as a person would read it',
    (_label, title, expected) => {
      expect(valueOf({ ...minimal, title }).title).toBe(expected);
    },
  );

  test.each([
    ['title', 'x'.repeat(200)],
    ['id', 'K'.repeat(128)],
    ['summary', 's'.repeat(4000)],
  ])('when the %s is exactly at its length limit, then it is accepted', (field, value) => {
    expect(parseWebhookBody({ ...minimal, [field]: value }).ok).toBe(true);
  });

  test.each<[WebhookAlertBody['source'], SeverityRank, string]>([
    ['hsa', 'critical', 'High'],
    ['hsa', 'high', 'High'],
    ['hsa', 'medium', 'Medium'],
    ['hsa', 'low', 'Low'],
    ['hsa', 'information', 'Information only'],
    ['incident', 'critical', 'critical'],
    ['incident', 'high', 'high'],
    ['incident', 'medium', 'medium'],
    ['incident', 'low', 'low'],
    ['incident', 'information', 'low'],
  ])(
    'when a %s alert arrives with severity %s, then the alert shows %s',
    (source, severity, shown) => {
      const incoming = webhookBodyToIncoming(valueOf({ ...minimal, source, severity }));
      expect(incoming.severity).toBe(shown);
      expect(raiseAlert(incoming, { id: 'a1', actor: webhook, at: RAISED_AT }).alert.severity).toBe(
        shown,
      );
    },
  );

  test('when a full body becomes an alert, then every field reaches it', () => {
    const body = valueOf({
      ...minimal,
      summary: 'Patch now.',
      url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
      cves: ['CVE-2026-1234'],
      organisations: ['RXH'],
      publishedAt: '2026-11-27T10:00:00Z',
    });
    const { alert } = raiseAlert(webhookBodyToIncoming(body), {
      id: 'a1',
      actor: webhook,
      at: RAISED_AT,
    });
    expect(alert).toMatchObject({
      source: 'hsa',
      dedupKey: 'CC-4719',
      title: 'Critical RCE in Example VPN',
      severity: 'High',
      severityRank: 'high',
      summary: 'Patch now.',
      url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
      cves: ['CVE-2026-1234'],
      organisations: ['RXH'],
      publishedAt: '2026-11-27T10:00:00.000Z',
    });
  });
});

describe('webhook body: problems', () => {
  test('when every field is wrong at once, then every problem is listed with its field', () => {
    expect(
      problemsOf({
        source: 'email',
        id: 42,
        title: '   ',
        severity: 'High',
        summary: ['not', 'text'],
        url: 'http://example.com/alert',
        cves: ['CVE-26-1', 7],
        organisations: 'RXH',
        publishedAt: '28/11/2026 09:00',
      }),
    ).toEqual([
      'source: must be "incident" or "hsa".',
      'id: must be text, the sender’s id for the alert.',
      'title: must not be blank.',
      'severity: must be one of "critical", "high", "medium", "low" or "information".',
      'summary: must be text.',
      'url: must be a full https:// link, such as https://digital.nhs.uk/cyber-alerts.',
      'cves[0]: is not a CVE id like CVE-2026-1234.',
      'cves[1]: must be text, a CVE id like CVE-2026-1234.',
      'organisations: must be a list of organisation short codes, such as ["RXH"].',
      'publishedAt: must be an ISO 8601 date and time with a time zone, such as 2026-11-28T09:00:00Z.',
    ]);
  });

  test('when the body is empty, then each required field is reported missing', () => {
    expect(problemsOf({})).toEqual([
      'source: is required.',
      'id: is required.',
      'title: is required.',
      'severity: is required.',
    ]);
  });

  test.each([
    ['null', null],
    ['a list', [minimal]],
    ['text', JSON.stringify(minimal)],
    ['a number', 42],
  ])('when the body is %s, then the one problem is that it must be an object', (_label, json) => {
    expect(problemsOf(json)).toEqual(['The body must be a JSON object.']);
  });

  test.each([
    ['title', 'x'.repeat(201), 'title: must be at most 200 characters.'],
    ['id', 'K'.repeat(129), 'id: must be at most 128 characters.'],
    ['summary', 's'.repeat(4001), 'summary: must be at most 4,000 characters.'],
    ['url', `https://example.com/${'p'.repeat(2030)}`, 'url: must be at most 2,048 characters.'],
  ])('when the %s is over its length limit, then that is the problem', (field, value, problem) => {
    expect(problemsOf({ ...minimal, [field]: value })).toEqual([problem]);
  });

  test('when there are too many CVEs and organisations, then both limits are reported', () => {
    const cves = Array.from({ length: 101 }, (_, i) => `CVE-2026-${10000 + i}`);
    const organisations = Array.from({ length: 51 }, (_, i) => `ORG${i}`);
    expect(problemsOf({ ...minimal, cves, organisations })).toEqual([
      'cves: must list at most 100 CVE ids.',
      'organisations: must list at most 50 organisations.',
    ]);
  });

  test.each([
    [
      'a line break',
      'CC-4719\nX',
      'id: must not contain control characters (such as line breaks or tabs).',
    ],
    ['only spaces', '   ', 'id: must not be blank.'],
    ['null', null, 'id: must be text, the sender’s id for the alert.'],
  ])('when the id has %s, then it is refused', (_label, id, problem) => {
    expect(problemsOf({ ...minimal, id })).toEqual([problem]);
  });

  test.each([
    ['plain http', 'http://digital.nhs.uk/'],
    ['a javascript link', 'javascript:alert(1)'],
    ['a relative link', '/cyber-alerts/2026/cc-4719'],
    ['no host', 'https://'],
    ['white space only', '  '],
  ])('when the url is %s, then it is refused', (_label, url) => {
    expect(problemsOf({ ...minimal, url })).toEqual([
      'url: must be a full https:// link, such as https://digital.nhs.uk/cyber-alerts.',
    ]);
  });

  test.each([
    ['a short number', 'CVE-2026-123'],
    ['a two-digit year', 'CVE-26-1234'],
    ['another scheme', 'GHSA-xxxx-yyyy-zzzz'],
    ['text around it', 'see CVE-2026-1234'],
  ])('when a CVE id is %s, then it is refused', (_label, cve) => {
    expect(problemsOf({ ...minimal, cves: [cve] })).toEqual([
      'cves[0]: is not a CVE id like CVE-2026-1234.',
    ]);
  });

  test.each([
    ['too long', 'ABCDEFGHIJKLM'],
    ['a single letter', 'R'],
    ['with a space', 'RX H'],
    ['starting with a hyphen', '-RXH'],
  ])('when an organisation code is %s, then it is refused', (_label, code) => {
    expect(problemsOf({ ...minimal, organisations: [code] })).toEqual([
      'organisations[0]: is not an organisation short code (2 to 12 letters, digits or hyphens, like RXH).',
    ]);
  });

  test.each([
    ['a date only', '2026-11-28'],
    ['no time zone', '2026-11-28T09:00:00'],
    ['words', 'yesterday'],
    ['an epoch number', 1795770000000],
  ])('when publishedAt is %s, then it is refused', (_label, publishedAt) => {
    const [problem] = problemsOf({ ...minimal, publishedAt });
    expect(problem).toMatch(/^publishedAt: must be/);
  });

  test('when the severity is in capitals, then it is refused: the contract is lower case', () => {
    expect(problemsOf({ ...minimal, severity: 'HIGH' })).toEqual([
      'severity: must be one of "critical", "high", "medium", "low" or "information".',
    ]);
  });
});
