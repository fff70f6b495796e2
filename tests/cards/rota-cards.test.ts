import { readdirSync } from 'fs';
import { join } from 'path';
import type { RotaPerson, RotaWindow } from '../../src/domain/rota';
import { TEMPLATES_DIR } from '../../src/cards/render';
import {
  announcementCard,
  changesCard,
  dateHelpCard,
  onCallCard,
  overrideFormCard,
  rangeFormCard,
  scheduleCard,
  setupFormCard,
  orderFormCard,
} from '../../src/cards/rota-views';
import { swapCard, swapFormCard } from '../../src/cards/rota-swap-cards';
import {
  findGaps,
  normaliseRotation,
  onCallAt,
  scheduleBetween,
  scheduleShifts,
  type SwapRequest,
} from '../../src/domain/rota';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const JANE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const person = (id: string, name: string): RotaPerson => ({
  id,
  name,
  orgCode: 'RXC',
  orgName: 'East Sussex Healthcare NHS Trust',
  role: 'member',
  upn: 'x@example.nhs.uk',
});
const people = new Map([
  [JANE, person(JANE, "Zoë O'Brien <b>${1+1}")],
  [BOB, person(BOB, 'Bob Jones')],
]);
const rotation = normaliseRotation({
  id: 'primary',
  name: 'CTAC primary',
  layer: 'primary',
  memberIds: [JANE, BOB],
  shiftLength: 'daily',
  handoverTime: '09:00',
  startDate: '2026-11-20',
});
const leave = [
  {
    id: 'l1',
    memberId: BOB,
    start: new Date('2026-11-29T09:00:00Z'),
    end: new Date('2026-11-30T09:00:00Z'),
    createdBy: BOB,
    createdAt: new Date('2026-11-01T00:00:00Z'),
  },
];
const from = new Date('2026-11-28T12:00:00Z');
const to = new Date('2026-12-12T12:00:00Z');
const schedule = scheduleBetween([rotation], [], leave, from, to);
const window: RotaWindow = {
  schedule,
  gaps: findGaps(schedule),
  shifts: scheduleShifts(schedule),
  rotations: [rotation],
};
const swap: SwapRequest = {
  id: 'swap-1',
  layer: 'primary',
  fromMemberId: JANE,
  toMemberId: BOB,
  shift: { start: new Date('2026-12-01T09:00:00Z'), end: new Date('2026-12-02T09:00:00Z') },
  note: 'Family wedding',
  status: 'proposed',
  proposedBy: JANE,
  createdAt: from,
  updatedAt: from,
};

/** One sample per rota template: every template in adaptiveCards/rota/ must appear here. */
const samples: Record<string, () => unknown> = {
  'on-call': () => onCallCard(onCallAt([rotation], [], leave, from), people, true),
  schedule: () => scheduleCard(window, people, 14),
  'order-form': () =>
    orderFormCard(
      {
        layer: 'secondary',
        name: 'CTAC secondary',
        memberIds: [BOB, JANE],
        shiftLength: 'weekly',
        shiftHours: '',
        handoverTime: '09:00',
        startDate: '16/12/2026',
        etagPrimary: '',
        etagSecondary: 'W/"2"',
        addPeople: 'jo.bloggs@nhs.net',
      },
      people,
      ['Bob and Jane both have 1: give each person a different number.'],
      ['1', '1'],
    ),
  'setup-form': () =>
    setupFormCard(
      {
        layer: 'primary',
        name: 'CTAC primary',
        memberIds: [BOB, JANE],
        shiftLength: 'hours',
        shiftHours: '12',
        handoverTime: '09:00',
        startDate: '2026-11-28',
        etagPrimary: 'W/"1"',
        etagSecondary: '',
        addPeople: 'jo.bloggs@nhs.net',
        addOrgCode: 'RXC',
        organisations: [{ code: 'RXC', name: 'East Sussex Healthcare NHS Trust' }],
        problems: ['The handover time must be a time of day such as 09:00.'],
      },
      people,
    ),
  'range-form': () =>
    rangeFormCard({ kind: 'cover', people, memberId: JANE, coveredMemberId: BOB, problems: ['x'] }),
  'override-form': () =>
    overrideFormCard({
      kind: 'remove',
      people,
      memberId: BOB,
      from: 'tomorrow 9am',
      problems: ['x'],
    }),
  'swap-form': () =>
    swapFormCard({
      shifts: [{ layer: 'primary', start: swap.shift.start, end: swap.shift.end }],
      people,
      excludeId: JANE,
    }),
  swap: () => swapCard(swap, people),
  'date-help': () => dateHelpCard('I could not read "blah".', 'leave START to END', 'leave'),
  changes: () =>
    changesCard(
      {
        overrides: [
          {
            id: 'cover/1',
            kind: 'cover',
            memberId: BOB,
            coveredMemberId: JANE,
            start: swap.shift.start,
            end: swap.shift.end,
            createdBy: BOB,
            createdAt: from,
          },
        ],
        leave,
      },
      people,
      from,
    ),
  announcement: () =>
    announcementCard({
      title: 'Handover: who is on call now',
      text: 'From 28 Nov 2026, 09:00',
      facts: [{ title: 'Primary', value: 'Bob Jones' }],
      footer: 'No open alerts are handed over.',
    }),
};

test('when a rota template is added, then it has a sample here', () => {
  const names = readdirSync(join(TEMPLATES_DIR, 'rota')).map((f) => f.replace(/\.json$/, ''));
  expect(names.sort()).toEqual(Object.keys(samples).sort());
});

test.each(Object.keys(samples))(
  'when the rota card %s is expanded with sample data, then it is a valid card',
  (name) => {
    const card = samples[name]!() as Record<string, unknown>;
    // User text with template syntax shows literally; the validator's leftover check is for templates.
    const problems = validateCard(JSON.parse(JSON.stringify(card).replaceAll('${1+1}', '')));
    expect(problems).toEqual([]);
  },
);

test('when the schedule has a gap, then the rota card marks it and names who is away', () => {
  const text = cardText(scheduleCard(window, people, 14));
  expect(text).toContain('2 gaps with nobody on call: primary from 29 Nov 2026, 09:00');
  expect(text).toContain('GAP: nobody on call (no rotation schedules anyone)');
  expect(text).toContain('GAP: nobody on call (Bob Jones is on leave)');
  expect(text).toContain('29 Nov 2026, 09:00 to 30 Nov 2026, 09:00');
});

test('when someone is on call, then the oncall card names them, their organisation, the handover and who is next', () => {
  const text = cardText(samples['on-call']!());
  expect(text).toContain("Zoë O'Brien <b>${1+1} (East Sussex Healthcare NHS Trust)");
  expect(text).toContain('Until 29 Nov 2026, 09:00');
  expect(text).toContain('Then: nobody (a gap)');
});

test('when a swap is answered, then its card shows the outcome and no buttons', () => {
  const open = swapCard(swap, people) as unknown as { actions: { verb: string }[] };
  expect(open.actions.map((a) => a.verb)).toEqual([
    'rota.swap.accept',
    'rota.swap.decline',
    'rota.swap.approve',
    'rota.swap.cancel',
  ]);
  const accepted = swapCard(
    { ...swap, status: 'accepted', decidedBy: BOB, decidedAt: from },
    people,
  ) as unknown as { actions: unknown[] };
  expect(accepted.actions).toEqual([]);
  expect(cardText(accepted)).toContain('Accepted: the rota has changed.');
  expect(cardText(accepted)).toContain('by Bob Jones, 28 Nov 2026, 12:00');
  expect(validateCard(JSON.parse(JSON.stringify(accepted).replaceAll('${1+1}', '')))).toEqual([]);
});

test('when cover and leave are booked, then the changes card lists them in time order with Undo', () => {
  const card = samples['changes']!() as { body: unknown[] };
  const text = cardText(card);
  expect(text.indexOf('Bob Jones on leave')).toBeLessThan(text.indexOf('Bob Jones covers'));
  expect(JSON.stringify(card)).toContain(
    '"verb":"rota.change.undo","kind":"override","id":"cover/1"',
  );
});
