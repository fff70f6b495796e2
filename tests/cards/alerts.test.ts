import { readdirSync } from 'fs';
import { join } from 'path';
import { alertFormCard } from '../../src/cards/alert-form-card';
import { alertListCard } from '../../src/cards/alert-list-card';
import { alertCard } from '../../src/cards/alerts';
import {
  alertDigestCard,
  cardBytes,
  DIGEST_MAX_BYTES,
  digestFits,
  digestLineBytes,
} from '../../src/cards/alert-digest-card';
import { renderCard, TEMPLATES_DIR, type AdaptiveCard } from '../../src/cards/render';
import { policyFormCard, valuesOf } from '../../src/bot/alerts/escalation-policy-feature';
import {
  defaultPolicies,
  acknowledge,
  addNote,
  raiseAlert,
  resolve,
  snooze,
  type Alert,
  type IncomingAlert,
} from '../../src/domain/alerts';
import type { Actor } from '../../src/domain/shared/actor';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const ben: Actor = {
  id: 'b2b2b2b2-0000-4000-8000-000000000002',
  name: 'Ben Okafor',
  source: 'teams',
};
const webhook: Actor = { id: 'api:webhook', name: 'Webhook', source: 'api' };
const at = new Date('2026-11-28T09:00:00Z');

const incoming = (overrides: Partial<IncomingAlert> = {}): IncomingAlert => ({
  source: 'hsa',
  dedupKey: 'CC-4719',
  title: 'Critical vulnerability in Citrix NetScaler ADC',
  severity: 'High',
  summary: 'A remote code execution flaw is being exploited.',
  url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
  cves: ['CVE-2026-1234', 'CVE-2026-5678'],
  organisations: ['RXC'],
  ...overrides,
});
const raised = (overrides: Partial<IncomingAlert> = {}): Alert =>
  raiseAlert(incoming(overrides), { id: 'alert-1', actor: webhook, at }).alert;
const ok = (o: ReturnType<typeof acknowledge>): Alert => {
  if (!o.ok) throw new Error(o.message);
  return o.alert;
};

/** Sample cards per template in adaptiveCards/alerts/: every template there must appear here. */
const alertSamples: Record<string, () => unknown[]> = {
  alert: () => [
    alertCard(raised()),
    alertCard(ok(acknowledge(raised(), ben, at)), { onCall: ['Ben Okafor'] }),
    alertCard(ok(resolve(raised({ url: undefined }), 'Done.', ben, at))),
    alertCard(raised(), {
      notice: { text: 'Only CTAC members can acknowledge alerts.', style: 'attention' },
    }),
  ],
  'alert-list': () => [
    alertListCard({
      heading: 'Open alerts (2)',
      alerts: [raised(), ok(acknowledge(raised({ dedupKey: 'CC-1' }), ben, at))],
      from: 'list',
    }),
    alertListCard({
      heading: 'Open alerts',
      alerts: [],
      from: 'list',
      notice: { text: 'Done.', style: 'good' },
    }),
    alertListCard({
      heading: 'Alert storm',
      alerts: Array.from({ length: 60 }, (_, i) =>
        raised({ dedupKey: `CC-${i}`, title: 'x'.repeat(200) }),
      ),
      from: 'digest',
    }),
  ],
  'alert-form': () => [
    alertFormCard({ source: 'incident', formId: 'f1', values: { title: 'Phishing' } }),
    alertFormCard({
      source: 'hsa',
      formId: 'f2',
      hsaId: 'CC-4719',
      problems: ['title: the alert needs a title.'],
    }),
  ],
  // Escalation policies (src/bot/alerts/escalation-policy-feature.ts; more in escalation-policy.test.ts).
  'policy-form': () => [
    policyFormCard({
      rank: 'high',
      etag: '',
      isDefault: true,
      members: [{ aadObjectId: ben.id, name: ben.name, role: 'lead' }],
      values: valuesOf(defaultPolicies.high),
      problems: [],
    }),
  ],
  'policy-list': () => [
    renderCard('alerts/policy-list', {
      heading: 'Escalation policies',
      notice: '',
      intro: 'intro',
      policies: [
        { title: 'Low', name: 'Low', origin: 'default', lines: ['at once: page every lead'] },
      ],
    }),
  ],
};

type Card = {
  actions: { title: string; type: string; verb?: string; card?: { actions: { verb: string }[] } }[];
};
const buttons = (card: unknown) => (card as Card).actions.map((a) => a.title);
const verbs = (card: unknown) =>
  (card as Card).actions.flatMap((a) =>
    a.verb ? [a.verb] : (a.card?.actions ?? []).map((b) => b.verb),
  );

describe('alert card', () => {
  test('when every alerts template is expanded with samples, then each is a valid card under 28 KB', () => {
    const names = readdirSync(join(TEMPLATES_DIR, 'alerts'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(names.sort()).toEqual(Object.keys(alertSamples).sort());
    for (const name of names)
      for (const card of alertSamples[name]!())
        expect([name, validateCard(card)]).toEqual([name, []]);
  });

  test('when a new HSA is posted, then the card shows severity, title, summary, CVEs, link, on call and every button', () => {
    const card = alertCard(raised(), { onCall: ['Ben Okafor', 'Chloë Davies'] });
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('HIGH · HSA CC-4719');
    expect(text).toContain('Critical vulnerability in Citrix NetScaler ADC');
    expect(text).toContain('A remote code execution flaw is being exploited.');
    expect(text).toContain('CVE-2026-1234, CVE-2026-5678');
    expect(text).toContain('Ben Okafor, then Chloë Davies');
    expect(text).toContain('Nobody on call has acknowledged this alert yet.');
    expect(buttons(card)).toEqual(['Acknowledge', 'Resolve', 'Snooze', 'Escalate now', 'Add note']);
    expect(verbs(card)).toEqual([
      'alert.acknowledge',
      'alert.resolve',
      'alert.snooze',
      'alert.escalate',
      'alert.note',
    ]);
    expect(JSON.stringify(card)).toContain('https://digital.nhs.uk/cyber-alerts/2026/cc-4719');
    expect((card as unknown as { body: { style?: string }[] }).body[0]!.style).toBe('attention');
  });

  test('when a button is pressed, then it sends its verb, the alert and where the alert is kept; Snooze offers every choice and the facts are listed', () => {
    const alert = raised();
    const card = alertCard(alert, { onCall: ['Ben Okafor'] }) as unknown as {
      body: { type: string; facts?: { title: string; value: string }[] }[];
      actions: {
        data?: unknown;
        card?: {
          body: { choices?: unknown }[];
          actions: { data: unknown }[];
        };
      }[];
    };
    const data = card.actions.map((a) => a.data ?? a.card!.actions[0]!.data);
    expect(data).toEqual(
      ['acknowledge', 'resolve', 'snooze', 'escalate', 'note'].map((verb) => ({
        verb: `alert.${verb}`,
        alertId: alert.id,
        src: 'hsa',
        key: 'CC-4719',
      })),
    );
    expect(card.actions[2]!.card!.body[0]!.choices).toEqual([
      { title: '15 minutes', value: '15' },
      { title: '1 hour', value: '60' },
      { title: '4 hours', value: '240' },
      { title: 'Until tomorrow (24 hours)', value: '1440' },
      { title: '3 days', value: '4320' },
    ]);
    const facts = card.body.find((b) => b.type === 'FactSet')!.facts!;
    expect(facts.map((f) => f.title)).toEqual([
      'Severity',
      'State',
      'CVEs',
      'Organisations',
      'Published',
      'On call',
    ]);
    expect(facts.find((f) => f.title === 'On call')!.value).toBe('Ben Okafor');
  });

  test('when someone acknowledges, then the card says who and when in UK time and drops the Acknowledge button', () => {
    // 28 Jun 2026 13:05 UTC is 14:05 in London (BST).
    const summer = raiseAlert(incoming(), {
      id: 'a',
      actor: webhook,
      at: new Date('2026-06-28T13:00:00Z'),
    }).alert;
    const card = alertCard(ok(acknowledge(summer, ben, new Date('2026-06-28T13:05:00Z'))));
    expect(cardText(card)).toContain('Acknowledged by Ben Okafor at 28 Jun 2026, 14:05');
    expect(buttons(card)).not.toContain('Acknowledge');
    expect(buttons(card)).toContain('Resolve');
    expect(validateCard(card)).toEqual([]);
  });

  test('when an alert has a long history, then the card shows its last six entries, oldest first', () => {
    let alert = raised();
    for (let i = 1; i <= 40; i++)
      alert = ok(addNote(alert, `Note ${i}`, ben, new Date(at.getTime() + i * 60_000)));
    const text = cardText(alertCard(alert));
    expect(text).not.toContain('Note 34');
    for (let i = 35; i <= 40; i++) expect(text).toContain(`Ben Okafor noted: Note ${i}`);
    expect(text.indexOf('Note 35')).toBeLessThan(text.indexOf('Note 40'));
  });

  test('when the same card is wanted twice, then both get the same card, which nobody can change; a change to the alert gives the new card', () => {
    const alert = raised();
    const first = alertCard(alert, { onCall: ['Ben Okafor'] });
    const copy = JSON.parse(JSON.stringify(first)) as AdaptiveCard;
    const second = alertCard(alert, { onCall: ['Ben Okafor'] });
    expect(second).toEqual(first);
    expect(() => {
      (second.body as unknown[]).length = 0;
    }).toThrow(TypeError);
    expect(() => {
      ((second.body as unknown[])[0] as Record<string, unknown>)['text'] = 'changed';
    }).toThrow(TypeError);
    expect(alertCard(alert, { onCall: ['Ben Okafor'] })).toEqual(copy);
    const acked = alertCard(ok(acknowledge(alert, ben, new Date('2026-11-28T09:05:00Z'))), {
      onCall: ['Ben Okafor'],
    });
    expect(cardText(acked)).toContain('Acknowledged by Ben Okafor');
    expect(cardText(alertCard(alert, { onCall: ['Sam Patel'] }))).toContain('Sam Patel');
  });

  test('when the alert is resolved, then only Add note is left and the resolution is shown', () => {
    const done = ok(
      resolve(raised(), 'Patched every appliance.', ben, new Date('2026-11-28T10:30:00Z')),
    );
    const card = alertCard(done);
    expect(buttons(card)).toEqual(['Add note']);
    expect(cardText(card)).toContain(
      'Resolved by Ben Okafor at 28 Nov 2026, 10:30: Patched every appliance.',
    );
  });

  test('when the alert is snoozed, then the card says until when', () => {
    const card = alertCard(
      ok(snooze(raised(), new Date('2026-11-28T13:00:00Z'), ben, new Date('2026-11-28T09:10:00Z'))),
    );
    expect(cardText(card)).toContain('Snoozed until 28 Nov 2026, 13:00');
    expect(buttons(card)).toContain('Acknowledge');
  });

  test('when the alert is very long, odd and has many CVEs, then the card is valid, under 28 KB and shows the text literally', () => {
    const odd = '"<b>Ünïcödé</b> \\ 💥 \u202e #?/ '.repeat(6);
    let alert = raised({
      title: odd.repeat(5),
      summary: '界'.repeat(4000),
      remediation: '💥'.repeat(4000),
      cves: Array.from({ length: 100 }, (_, i) => `CVE-2026-${10000 + i}`),
      affectedProducts: Array.from({ length: 50 }, (_, i) => `Product ${i} ${odd}`),
      organisations: Array.from({ length: 50 }, (_, i) => `ORG${i}`),
    });
    for (let i = 0; i < 20; i++) alert = ok(addNote(alert, 'ñ'.repeat(2000), ben, at));
    const card = alertCard(alert, { onCall: Array(60).fill(odd) });
    expect(validateCard(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28_000);
    const text = cardText(card);
    expect(text).toContain('and 80 more');
  });

  test('when user text contains template syntax, then it is shown literally and not evaluated', () => {
    const text = cardText(
      alertCard(raised({ title: 'Eve ${$root.alertId} ${1+1}', summary: '${title}' })),
    );
    expect(text).toContain('Eve ${$root.alertId} ${1+1}');
    expect(text).toContain('${title}');
  });

  test('when a list has more alerts than a card holds, then it shows 25 and counts the rest', () => {
    const many = Array.from({ length: 30 }, (_, i) => raised({ dedupKey: `CC-${i}` }));
    const text = cardText(
      alertListCard({ heading: 'Open alerts (30)', alerts: many, from: 'list' }),
    );
    expect(text).toContain('And 5 more.');
  });

  test('when the HSA form is for an id CTAC has not had, then it says so and asks for NHS England grades', () => {
    const card = alertFormCard({ source: 'hsa', formId: 'f', hsaId: 'CC-4719' });
    expect(cardText(card)).toContain('Post HSA CC-4719');
    expect(JSON.stringify(card)).toContain('"Information only"');
    expect(JSON.stringify(card)).toContain('"source":"hsa:CC-4719"');
  });

  test('when an HSA has organisations, then the card lists each response with deadlines and flags the overdue', () => {
    const hsa = raised();
    const card = alertCard(hsa, {
      responses: [
        {
          orgCode: 'RXC',
          orgName: 'East Sussex Healthcare NHS Trust',
          response: {
            alertId: hsa.id,
            orgCode: 'RXC',
            applicability: 'affected',
            remediation: 'in progress',
            acknowledgedBy: ben,
            acknowledgedAt: '2026-11-28T10:00:00Z',
          },
          due: {
            acknowledgeBy: new Date('2026-11-30T09:00:00Z'),
            nextUpdateBy: new Date('2026-12-01T10:00:00Z'),
          },
          overdue: [],
        },
        {
          orgCode: 'ESCC',
          orgName: 'East Sussex County Council',
          response: {
            alertId: hsa.id,
            orgCode: 'ESCC',
            applicability: 'unknown',
            remediation: 'not started',
          },
          due: { acknowledgeBy: new Date('2026-11-30T09:00:00Z') },
          overdue: [{ kind: 'acknowledgement' }],
        },
      ],
    });
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain(
      'HSA acknowledged for RXC by Ben Okafor at 28 Nov 2026, 10:00; affected; remediation in progress; next update by 1 Dec 2026, 10:00.',
    );
    expect(text).toContain('East Sussex County Council (ESCC): OVERDUE acknowledgement');
    expect(text).toContain('HSA not yet acknowledged for ESCC (due by 30 Nov 2026, 09:00)');
    // The two acknowledgements are named apart: the alert's on-call one at the top, each organisation's here.
    expect(text).toContain('Nobody on call has acknowledged this alert yet.');
    expect(text).toContain("Each organisation's response to the HSA");
    expect(JSON.stringify(card)).toContain('"verb":"hsa.respond"');
    // Incidents have no organisation responses.
    expect(
      JSON.stringify(alertCard(raised({ source: 'incident', dedupKey: 'X', severity: 'high' }))),
    ).not.toContain('hsa.respond');
  });

  test('when a refusal is shown to the person who pressed, then it is at the top of the card', () => {
    const card = alertCard(raised(), {
      notice: {
        text: 'Already acknowledged by Ben Okafor at 28 Nov 2026, 09:05.',
        style: 'warning',
      },
    });
    expect(cardText(card).split('\n')[0]).toBe(
      'Already acknowledged by Ben Okafor at 28 Nov 2026, 09:05.',
    );
    expect(validateCard(card)).toEqual([]);
  });

  test("when an organisation's latest note ends with a full stop, then the line ends with just that one", () => {
    const hsa = raised();
    const line = (lastNote: string) =>
      cardText(
        alertCard(hsa, {
          responses: [
            {
              orgCode: 'RXC',
              orgName: 'East Sussex Healthcare NHS Trust',
              response: {
                alertId: hsa.id,
                orgCode: 'RXC',
                applicability: 'affected',
                remediation: 'in progress',
                lastNote,
              },
              due: { acknowledgeBy: new Date('2026-11-30T09:00:00Z') },
              overdue: [],
            },
          ],
        }),
      );
    expect(line('Patched by 22:00.')).toContain('latest: Patched by 22:00.\n');
    expect(line('Patched by 22:00.')).not.toContain('..');
    expect(line('Patched by 22:00')).toContain('latest: Patched by 22:00.\n');
    expect(line('Patched?')).toContain('latest: Patched?\n');
  });
});

describe('storm digest card', () => {
  const digestId = '001764739871234_000123_ABCDEFGH';
  const stormOf = (n: number, title: (i: number) => string): Alert[] =>
    Array.from(
      { length: n },
      (_, i) =>
        raiseAlert(
          { source: 'incident', dedupKey: `STORM-${i}`, title: title(i), severity: 'high' },
          { id: `A${String(i).padStart(7, '0')}`, actor: webhook, at },
        ).alert,
    );
  const fill = (title: (i: number) => string): Alert[] => {
    const alerts: Alert[] = [];
    for (const alert of stormOf(200, title)) {
      if (!digestFits(digestId, [...alerts, alert])) break;
      alerts.push(alert);
    }
    return alerts;
  };

  test('when a digest is filled while it fits, then it lists every alert with its own Acknowledge button, more than 25, and is a valid card under the digest limit', () => {
    const alerts = fill((i) => `Storm alert ${i}: suspicious sign-ins`);
    expect(alerts.length).toBeGreaterThan(25);
    const card = alertDigestCard(digestId, alerts);
    const json = JSON.stringify(card);
    for (const a of alerts) expect(json).toContain(`"alertId":"${a.id}"`);
    expect(json.match(/"verb":"alert.acknowledge"/g)).toHaveLength(alerts.length * 2);
    expect(cardText(card)).toContain(`Alert storm: ${alerts.length} new alerts`);
    expect(cardText(card)).not.toContain('more');
    expect(cardBytes(card)).toBeLessThanOrEqual(DIGEST_MAX_BYTES);
    expect(validateCard(card)).toEqual([]);
  });

  test('when every alert of a full digest is then resolved with a long note by someone with a long name, or its title lengthened to 200 characters of escaped text, or both in three-byte characters, then the card stays under the digest limit and lists every alert', () => {
    const alerts = fill((i) => `Storm alert ${i}: suspicious sign-ins`);
    const resolvedAll = alerts.map((a) => {
      const acked = acknowledge(a, { ...ben, name: 'Benedict Okafor-Ramaswamy '.repeat(3) }, at);
      if (!acked.ok) throw new Error(acked.message);
      const done = resolve(acked.alert, 'Blocked the range at the firewall; '.repeat(20), ben, at);
      if (!done.ok) throw new Error(done.message);
      return done.alert;
    });
    const retitled = alerts.map((a) => ({ ...a, title: `"${'é<&>'.repeat(60)}"`.slice(0, 200) }));
    // The worst at once: every line resolved with a note and retitled, in three-byte characters.
    const worst = resolvedAll.map((a) => ({
      ...a,
      title: '漢字'.repeat(100),
      resolutionNote: '対応済み'.repeat(100),
    }));
    for (const changed of [resolvedAll, retitled, worst]) {
      const card = alertDigestCard(digestId, changed, {
        text: 'Ben Okafor acknowledged it.',
        style: 'good',
      });
      expect(cardBytes(card)).toBeLessThanOrEqual(DIGEST_MAX_BYTES);
      // Room for the activity around the card (about 0.5 KB) under Teams' 28 KB.
      expect(DIGEST_MAX_BYTES + 1536).toBeLessThanOrEqual(28 * 1024);
      for (const a of alerts) expect(JSON.stringify(card)).toContain(`"alertId":"${a.id}"`);
    }
  });

  test('when a line is measured for a digest, then it is what a second copy of the line adds to a one-line card, with its room to grow, whatever the title, state or digest id', () => {
    const [plain] = stormOf(1, () => 'Storm alert 1: suspicious sign-ins');
    const odd = { ...plain!, title: `"${'é<&>'.repeat(60)}"`.slice(0, 200) };
    const wide = { ...plain!, title: '漢字'.repeat(100), summary: '対応済み'.repeat(40) };
    const acked = acknowledge(plain!, { ...ben, name: 'Benedict Okafor-Ramaswamy' }, at);
    if (!acked.ok) throw new Error(acked.message);
    const done = resolve(acked.alert, 'Blocked the range at the firewall; '.repeat(5), ben, at);
    if (!done.ok) throw new Error(done.message);
    for (const id of [digestId, 'D1', `${digestId}_${'X'.repeat(40)}`])
      for (const alert of [plain!, odd, wide, acked.alert, done.alert]) {
        const twoLess =
          cardBytes(alertDigestCard(id, [alert, alert])) - cardBytes(alertDigestCard(id, [alert]));
        // Room for the line to grow once acknowledged by someone with a long name (30 bytes).
        expect(digestLineBytes(id, alert)).toBe(twoLess + 30);
      }
  });

  test('when titles are the longest a sender may give, then fewer alerts fit, and still every one is listed', () => {
    const short = fill((i) => `Storm alert ${i}`);
    const long = fill((i) =>
      `Storm alert number ${i}: "${'x'.repeat(160)}" <script> & more`.slice(0, 200),
    );
    expect(long.length).toBeLessThan(short.length);
    expect(long.length).toBeGreaterThanOrEqual(20);
    expect(
      JSON.stringify(alertDigestCard(digestId, long)).match(/"title":"Show card"/g),
    ).toHaveLength(long.length);
  });
});
