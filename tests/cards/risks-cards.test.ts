import {
  decisionFormCard,
  decisionListCard,
  decisionLoggedCard,
} from '../../src/cards/decision-views';
import { appetiteFormCard } from '../../src/cards/risk-settings-views';
import {
  escalationCard,
  riskCard,
  riskFormCard,
  riskFormValues,
  riskListCard,
} from '../../src/cards/risk-views';
import { logDecision, markSuperseded, supersede } from '../../src/domain/decisions';
import {
  closeRisk,
  DEFAULT_RISK_POLICY,
  decideEscalation,
  raiseRisk,
  type Risk,
} from '../../src/domain/risk';
import type { Organisation } from '../../src/domain/people/organisation';
import { cardText } from '../helpers/stack';
import { validateCard } from '../helpers/card-validator';

const actor = { id: 'a', name: 'Zoë Ní Bhriain', source: 'teams' as const };
const at = new Date('2026-11-28T09:00:00Z');
const orgs: Organisation[] = [
  {
    code: 'RXC',
    name: 'East Sussex Healthcare NHS Trust',
    isOes: true,
    createdAt: '',
    createdBy: '',
  },
  { code: 'ESCC', name: 'East Sussex County Council', isOes: false, createdAt: '', createdBy: '' },
];
const names = { RXC: 'East Sussex Healthcare NHS Trust' };
const hostile = '<b>bold</b> "quoted", Zoë \u202eevil {{title}}';
const raise = (l: number, c: number, title = 'Legacy PACS'): Risk =>
  raiseRisk(
    {
      title,
      description: hostile,
      orgCode: 'RXC',
      cafPrinciple: 'B4',
      likelihood: l,
      consequence: c,
      owner: 'CIO',
      mitigations: 'Segment\nMonitor',
      reviewDate: '2027-01-31',
    },
    { id: 'R-1', actor, at },
  ).risk;
const escalated = raise(5, 4);
const decided = decideEscalation(
  escalated,
  { choice: 'treat', rationale: 'Replace it' },
  { actor, at, role: 'lead', decisionId: 'D-1' },
);
const d1 = logDecision(
  {
    text: hostile,
    rationale: 'why',
    decidedBy: 'RXC',
    outcome: 'noted',
    sourceMessageLink: 'https://teams.microsoft.com/l/message/1',
    sourceMessageAuthor: 'Ben',
  },
  { id: 'D-2', actor, at },
);
const d2 = supersede(d1, { id: 'D-3', outcome: 'approved' }, actor, at);

const cards: [string, unknown][] = [
  ['an empty risk form', riskFormCard({ organisations: orgs })],
  [
    'a risk form with problems and typed values',
    riskFormCard({
      organisations: orgs,
      values: { title: hostile, likelihood: '9' },
      problems: ['Give the risk a short title.'],
    }),
  ],
  ['an edit form', riskFormCard({ riskId: 'R-1', organisations: orgs, values: { title: 'x' } })],
  ['an open risk card', riskCard(raise(2, 2), names)],
  [
    'an escalated risk card with a banner',
    riskCard(escalated, names, { text: 'Saved', style: 'good' }),
  ],
  [
    'a closed risk card',
    riskCard(closeRisk(decided.risk, { reason: 'Gone' }, { actor, at }).risk, names),
  ],
  [
    'the risk list',
    riskListCard(
      [escalated, raise(1, 1, 'Low'), raise(2, 3, 'Moderate'), raise(3, 4, 'High')],
      names,
    ),
  ],
  ['an empty risk list', riskListCard([], names)],
  ['an escalation card', escalationCard(escalated, names)],
  ['a decided escalation card', escalationCard(decided.risk, names)],
  [
    'a decision form in the chat',
    decisionFormCard({ organisations: orgs, risks: [escalated], values: { text: hostile } }),
  ],
  [
    'a decision form in a task module',
    decisionFormCard({
      organisations: orgs,
      risks: [],
      inTask: true,
      values: { sourceMessageLink: 'https://x', sourceMessageAuthor: 'Ben' },
      problems: ['p'],
    }),
  ],
  ['a correction form', decisionFormCard({ organisations: orgs, risks: [], supersedes: 'D-2' })],
  [
    'a member\u2019s decision form (no group choice)',
    decisionFormCard({ organisations: [orgs[1]!], risks: [], groupChoice: false }),
  ],
  ['a logged decision', decisionLoggedCard(d2, names)],
  ['the decision list', decisionListCard(markSuperseded([d2, d1]), names)],
  ['an empty decision list', decisionListCard([], names)],
  [
    'the appetite form',
    appetiteFormCard({
      stored: {
        policy: { ...DEFAULT_RISK_POLICY, appetite: { icsWide: 12, organisations: { RXC: 8 } } },
        etag: 'W/1',
        updatedBy: 'Asha',
        updatedAt: at.toISOString(),
      },
      organisations: orgs,
    }),
  ],
  [
    'the appetite form with problems',
    appetiteFormCard({
      stored: { policy: DEFAULT_RISK_POLICY },
      organisations: orgs,
      problems: ['x'],
      values: { icsWide: 'abc', org_RXC: '30' },
    }),
  ],
];

test.each(cards)(
  'when %s is rendered, then the Adaptive Cards SDK finds no problem',
  (_name, card) => {
    expect(validateCard(card)).toEqual([]);
  },
);

test('when a risk title holds template syntax and markup, then the card shows it as typed text', () => {
  const risk = { ...escalated, title: '${description} {{x}} <b>bold</b>' };
  const text = cardText(riskCard(risk, names));
  expect(text).toContain('${description} {{x}} <b>bold</b>');
  expect(text).not.toContain(hostile + ' {{x}}');
});

test('when the risks list is rendered, then each band has its own colour', () => {
  const card = riskListCard(
    [raise(5, 5), raise(3, 4), raise(2, 3), raise(1, 1)],
    names,
  ) as unknown as { body: { style?: string }[] };
  expect(card.body.map((b) => b.style).filter(Boolean)).toEqual([
    'attention',
    'warning',
    'accent',
    'good',
  ]);
});

test('when an escalation is open, then the leads see five choices and a rationale box; once decided, none', () => {
  const open = escalationCard(escalated, names) as unknown as { actions: { title: string }[] };
  expect(open.actions.map((a) => a.title)).toEqual([
    'Accept',
    'Treat',
    'Transfer',
    'Tolerate',
    'Ask for more information',
  ]);
  expect(JSON.stringify(open)).toContain('"id":"rationale"');
  const done = escalationCard(decided.risk, names) as unknown as { actions: unknown[] };
  expect(done.actions).toEqual([]);
  expect(cardText(done)).toContain('Treat: decided by Zoë Ní Bhriain');
});

test('when the decision list shows a superseded decision, then it says which decision replaced it', () => {
  expect(cardText(decisionListCard(markSuperseded([d2, d1]), names))).toContain(
    'Superseded by D-3',
  );
});

test('when there are more open risks than fit, then the list shows the highest and says how many more', () => {
  const many = Array.from({ length: 60 }, (_, i) => raise(5, 5, `Risk ${i} ${'x'.repeat(100)}`));
  const card = riskListCard(many, names);
  expect(validateCard(card)).toEqual([]);
  expect(cardText(card)).toContain('40 lower-scoring risks are not shown');
  expect(cardText(card)).not.toContain('Risk 20 ');
});

test('when a member\u2019s decision form is rendered, then it offers only the forum and the organisations given', () => {
  const card = decisionFormCard({ organisations: [orgs[1]!], risks: [], groupChoice: false });
  const json = JSON.stringify(card);
  expect(json).not.toContain('ics-cyber-group');
  expect(cardText(card)).toContain('East Sussex County Council (ESCC)');
  expect(cardText(card)).not.toContain('East Sussex Healthcare NHS Trust');
  expect(JSON.stringify(decisionFormCard({ organisations: orgs, risks: [] }))).toContain(
    'ics-cyber-group',
  );
});

test('when a decision was logged by someone with an organisation, then the card and the list name it beside them', () => {
  const own = logDecision(
    { text: 'Block macros', rationale: 'why', decidedBy: 'forum', outcome: 'approved' },
    { id: 'D-9', actor, at, actorOrgCode: 'ESCC' },
  );
  expect(cardText(decisionLoggedCard(own, names))).toContain(
    '28 Nov 2026, 09:00 by Zo\u00eb N\u00ed Bhriain (ESCC)',
  );
  expect(cardText(decisionListCard(markSuperseded([own]), names))).toContain(
    'Logged by Zo\u00eb N\u00ed Bhriain (ESCC), 28 Nov 2026, 09:00',
  );
});

test('when a stored risk or decision is opened in a form, then its dates show the UK way (31/01/2027), and typed text stays as typed', () => {
  const risk = raise(4, 4, 'Unpatched VPN');
  const edit = JSON.stringify(
    riskFormCard({ riskId: risk.id, organisations: orgs, values: riskFormValues(risk) }),
  );
  expect(edit).toContain('"id":"reviewDate"');
  expect(edit).toMatch(/"value":"\d{2}\/\d{2}\/\d{4}"/);
  expect(edit).not.toContain(`"value":"${risk.reviewDate}"`);
  const correction = JSON.stringify(
    decisionFormCard({ organisations: orgs, risks: [], values: { decidedOn: '2026-12-16' } }),
  );
  expect(correction).toContain('"value":"16/12/2026"');
  const typed = JSON.stringify(
    decisionFormCard({ organisations: orgs, risks: [], values: { decidedOn: '16 Dec' } }),
  );
  expect(typed).toContain('"value":"16 Dec"');
});

describe('an exercise’s risk (issue 21)', () => {
  const drill: Risk = {
    ...escalated,
    id: 'R-9',
    exercise: { id: 'EX0001', name: 'Winter ransomware' },
  };

  test('when its risk and escalation cards are rendered, then their titles say EXERCISE and the cards are valid; a real risk’s do not', () => {
    for (const card of [riskCard(drill, names), escalationCard(drill, names)]) {
      expect(validateCard(card)).toEqual([]);
      expect(cardText(card)).toContain('EXERCISE: Legacy PACS');
    }
    expect(cardText(escalationCard(drill, names))).toContain(
      'EXERCISE: Risk escalated to the ICS cyber group',
    );
    expect(cardText(riskCard(escalated, names))).not.toContain('EXERCISE');
    expect(cardText(escalationCard(escalated, names))).not.toContain('EXERCISE');
  });

  test('when a participant’s risk form is rendered, then it offers the toggle, on by default; an edit and everyone else get none', () => {
    const toggleOf = (card: object) =>
      JSON.stringify(card).match(/"type":"Input\.Toggle","id":"partOfExercise"[^}]*}/)?.[0];
    const offered = riskFormCard({ organisations: orgs, exercise: { name: 'Winter ransomware' } });
    expect(validateCard(offered)).toEqual([]);
    expect(toggleOf(offered)).toContain('"title":"Part of the exercise Winter ransomware"');
    expect(toggleOf(offered)).toContain('"value":"true"');
    const off = riskFormCard({
      organisations: orgs,
      exercise: { name: 'Winter ransomware' },
      values: { partOfExercise: 'false' },
    });
    expect(toggleOf(off)).toContain('"value":"false"');
    expect(toggleOf(riskFormCard({ organisations: orgs }))).toBeUndefined();
    expect(
      toggleOf(riskFormCard({ riskId: 'R-1', organisations: [], exercise: { name: 'X' } })),
    ).toBeUndefined();
  });
});
