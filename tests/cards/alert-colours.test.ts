import { alertListCard } from '../../src/cards/alert-list-card';
import { alertCard } from '../../src/cards/alerts';
import type { HsaResponseView } from '../../src/cards/hsa-response-view';
import {
  acknowledge,
  raiseAlert,
  resolve,
  snooze,
  type Alert,
  type IncomingAlert,
} from '../../src/domain/alerts';
import type { Actor } from '../../src/domain/shared/actor';

/*
 * Issue 22, item 12: alert states must read at WCAG AA (4.5:1) in Teams' light, dark and high contrast
 * themes. Light and dark are Teams' published Adaptive Card host configs (microsoft-teams-light.json and
 * microsoft-teams-dark.json); high contrast draws every container on black with white text. Subtle text
 * is the host's translucent colour blended onto the background.
 */
type Style = 'default' | 'emphasis' | 'accent' | 'good' | 'attention' | 'warning';
type Colour = 'default' | 'accent' | 'good' | 'attention' | 'warning';
interface Theme {
  background: Record<Style, string>;
  /** Text colours per container style (Teams gives the coloured styles their own default text). */
  text(style: Style): Record<Colour, { normal: string; subtle: string }>;
}

const lightText = {
  default: { normal: '#252424', subtle: '#bf252424' },
  accent: { normal: '#6264a7', subtle: '#8b8cc7' },
  good: { normal: '#92c353', subtle: '#e592c353' },
  attention: { normal: '#c4314b', subtle: '#e5c4314b' },
  warning: { normal: '#f8d22a', subtle: '#e5f8d22a' },
};
const darkText = {
  default: { normal: '#ffffff', subtle: '#bfffffff' },
  accent: { normal: '#a6a7dc', subtle: '#8b8cc7' },
  good: { normal: '#92c353', subtle: '#e592c353' },
  attention: { normal: '#d74654', subtle: '#e5d74654' },
  warning: { normal: '#f8d22a', subtle: '#e5f8d22a' },
};
const LIGHT_STYLES = {
  accent: '#c7def9',
  good: '#ccffcc',
  attention: '#ffc5b2',
  warning: '#ffe2b2',
};

const THEMES: Record<string, Theme> = {
  light: {
    background: { default: '#ffffff', emphasis: '#f9f8f7', ...LIGHT_STYLES },
    text: () => lightText,
  },
  dark: {
    // The coloured styles keep their light backgrounds in Teams' dark theme, with dark default text.
    background: { default: '#2d2c2c', emphasis: '#292828', ...LIGHT_STYLES },
    text: (style) =>
      style === 'default' || style === 'emphasis'
        ? darkText
        : { ...darkText, default: { normal: '#201f1f', subtle: '#2d2c2c' } },
  },
  'high contrast': {
    background: {
      default: '#000000',
      emphasis: '#000000',
      accent: '#000000',
      good: '#000000',
      attention: '#000000',
      warning: '#000000',
    },
    text: () => ({
      ...darkText,
      default: { normal: '#ffffff', subtle: '#ffffff' },
    }),
  },
};

/**
 * The pairs alert cards may use: any container style with the host's default text. Coloured text is
 * left out on purpose: "Good" and "Warning" fail on white in the light theme, "Attention" fails on the
 * dark theme's card, and every coloured text fails on a coloured container. Severity and state are words.
 */
const ALLOWED: readonly string[] = (
  ['default', 'emphasis', 'accent', 'good', 'attention', 'warning'] as const
).map((style) => `${style}/default`);

const rgb = (hex: string, under?: [number, number, number]): [number, number, number] => {
  const h = hex.replace('#', '');
  const alpha = h.length === 8 ? parseInt(h.slice(0, 2), 16) / 255 : 1;
  const body = h.length === 8 ? h.slice(2) : h;
  const c = [0, 2, 4].map((i) => parseInt(body.slice(i, i + 2), 16)) as [number, number, number];
  return under ? (c.map((v, i) => v * alpha + under[i]! * (1 - alpha)) as typeof c) : c;
};
const luminance = (c: [number, number, number]): number => {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
export function contrast(text: string, background: string): number {
  const bg = rgb(background);
  const [a, b] = [luminance(rgb(text, bg)), luminance(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

interface TextUse {
  style: Style;
  colour: Colour;
  subtle: boolean;
  text: string;
}

/** Every piece of text in a card with the container style it sits on (Teams shows ShowCards as emphasis). */
function textUses(card: unknown): TextUse[] {
  const out: TextUse[] = [];
  const walk = (node: unknown, style: Style): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, style));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const here =
      typeof n['style'] === 'string' &&
      n['type'] !== 'Action.Execute' &&
      n['type'] !== 'Input.ChoiceSet'
        ? (String(n['style']).toLowerCase() as Style)
        : style;
    if (n['type'] === 'TextBlock')
      out.push({
        style: here,
        colour: String(n['color'] ?? 'default').toLowerCase() as Colour,
        subtle: n['isSubtle'] === true,
        text: String(n['text']),
      });
    if (n['type'] === 'FactSet')
      out.push({ style: here, colour: 'default', subtle: false, text: 'facts' });
    for (const key of ['body', 'items', 'columns', 'actions']) if (n[key]) walk(n[key], here);
    if (n['type'] === 'Action.ShowCard') walk(n['card'], 'emphasis');
  };
  walk((card as { body: unknown }).body, 'default');
  walk((card as { actions?: unknown }).actions ?? [], 'default');
  return out;
}

const webhook: Actor = { id: 'api:webhook', name: 'Webhook', source: 'api' };
const ben: Actor = { id: 'b2', name: 'Ben Okafor', source: 'teams' };
const at = new Date('2026-11-28T09:00:00Z');
const raised = (overrides: Partial<IncomingAlert> = {}): Alert =>
  raiseAlert(
    {
      source: 'hsa',
      dedupKey: 'CC-4719',
      title: 'Citrix NetScaler',
      severity: 'High',
      ...overrides,
    },
    { id: 'a1', actor: webhook, at },
  ).alert;
const ok = (o: ReturnType<typeof acknowledge>): Alert => {
  if (!o.ok) throw new Error(o.message);
  return o.alert;
};
const response: HsaResponseView = {
  orgCode: 'RXC',
  orgName: 'East Sussex Healthcare NHS Trust',
  response: { alertId: 'a1', orgCode: 'RXC', applicability: 'unknown', remediation: 'not started' },
  due: { acknowledgeBy: new Date('2026-11-30T09:00:00Z') },
  overdue: [{ kind: 'acknowledgement' }],
};

/** One card per state and severity, with the parts that carry colour: notice, responses, list lines. */
const cards: Record<string, unknown> = {};
// Every severity rank: incidents for critical to low, an HSA for "Information only".
const SEVERITIES: Partial<IncomingAlert>[] = [
  ...(['critical', 'high', 'medium', 'low'] as const).map((severity) => ({
    source: 'incident' as const,
    severity,
    dedupKey: `INC-${severity}`,
  })),
  { source: 'hsa', severity: 'Information only', dedupKey: 'CC-4721' },
];
for (const given of SEVERITIES) {
  const severity = given.severity!;
  const alert = raised(given);
  cards[`${severity} needs action`] = alertCard(alert, { responses: [response] });
  cards[`${severity} acknowledged`] = alertCard(ok(acknowledge(alert, ben, at)));
  cards[`${severity} snoozed`] = alertCard(
    ok(snooze(alert, new Date('2026-11-28T12:00:00Z'), ben, at)),
  );
  cards[`${severity} resolved`] = alertCard(ok(resolve(alert, 'Patched.', ben, at)));
}
for (const style of ['good', 'warning', 'attention', 'default'] as const)
  cards[`notice ${style}`] = alertCard(raised(), { notice: { text: 'Notice', style } });
cards['list'] = alertListCard({
  heading: 'Open alerts',
  alerts: [raised(), ok(acknowledge(raised({ dedupKey: 'CC-4720', severity: 'Medium' }), ben, at))],
  from: 'list',
});

describe('alert card colours', () => {
  test('when an alert is resolved, then its header is not the alarm colour but the resolved one', () => {
    for (const { severity } of SEVERITIES) {
      const header = (cards[`${severity} resolved`] as { body: { style?: string }[] }).body[0]!;
      expect([severity, header.style]).toEqual([severity, 'good']);
    }
    // While it is open, a high alert keeps the alarm colour.
    expect((cards['high needs action'] as { body: { style?: string }[] }).body[0]!.style).toBe(
      'attention',
    );
  });

  test('when any alert card is shown, then every text and background pair is an allowed one', () => {
    for (const [name, card] of Object.entries(cards))
      for (const use of textUses(card))
        expect([name, use.text, ALLOWED.includes(`${use.style}/${use.colour}`)]).toEqual([
          name,
          use.text,
          true,
        ]);
  });

  test('when any alert card is shown in light, dark or high contrast, then every text reads at WCAG AA (4.5:1)', () => {
    for (const [themeName, theme] of Object.entries(THEMES))
      for (const [name, card] of Object.entries(cards))
        for (const use of textUses(card)) {
          const colour = theme.text(use.style)[use.colour];
          const ratio = contrast(
            use.subtle ? colour.subtle : colour.normal,
            theme.background[use.style],
          );
          expect([themeName, name, use.text, ratio >= 4.5]).toEqual([
            themeName,
            name,
            use.text,
            true,
          ]);
        }
  });

  test('when the contrast is worked out, then it matches the issue: light green on the salmon header fails', () => {
    expect(contrast(lightText.good.normal, LIGHT_STYLES.attention)).toBeLessThan(1.5);
    expect(contrast(lightText.default.normal, LIGHT_STYLES.attention)).toBeGreaterThan(10);
  });
});
