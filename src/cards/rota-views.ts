import type {
  Leave,
  LayerOnCallNow,
  RotaOverride,
  OnCallAssignment,
  OnCallNow,
  RotaGap,
  RotaLayer,
  RotaPerson,
  RotaWindow,
  Unavailable,
} from '../domain/rota';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';
import { noticeCard, type NoticeStyle } from './views';

/** View models for the rota's templates in adaptiveCards/rota/. */

export type People = ReadonlyMap<string, RotaPerson>;

const LAYER_LABEL: Record<RotaLayer, string> = { primary: 'Primary', secondary: 'Secondary' };
const MAX_ROWS_PER_LAYER = 40;

export const personName = (people: People, id: string): string =>
  people.get(id)?.name ?? 'Someone who is no longer a member';

/** "Jane Smith (East Sussex Healthcare NHS Trust)". */
export const personWithOrg = (people: People, id: string): string => {
  const p = people.get(id);
  if (!p) return personName(people, id);
  return p.orgName ? `${p.name} (${p.orgName})` : p.name;
};

const range = (start: Date, end: Date) => `${formatUkDateTime(start)} to ${formatUkDateTime(end)}`;

function describeAssignment(people: People, a: OnCallAssignment): string {
  const who = personWithOrg(people, a.memberId);
  if (a.via === 'cover') return `${who}, covering for ${personName(people, a.coveringFor)}`;
  if (a.via === 'add') return `${who} (added by a lead)`;
  return who;
}

function describeUnavailable(people: People, list: readonly Unavailable[]): string {
  if (list.length === 0) return 'no rotation schedules anyone';
  return list
    .map(
      (u) =>
        `${personName(people, u.memberId)} ${u.reason === 'leave' ? 'is on leave' : 'was taken off'}`,
    )
    .join('; ');
}

function layerNow(people: People, layer: LayerOnCallNow) {
  const next = layer.next;
  const nextWho = next
    ? next.gap
      ? 'nobody (a gap)'
      : next.onCall.map((a) => personWithOrg(people, a.memberId)).join(', ')
    : '';
  return {
    label: LAYER_LABEL[layer.layer],
    style: layer.gap ? 'attention' : 'default',
    people: layer.gap
      ? [`Nobody is on call: ${describeUnavailable(people, layer.unavailable)}.`]
      : layer.onCall.map((a) => describeAssignment(people, a)),
    untilText: layer.until ? `Until ${formatUkDateTime(layer.until)}` : 'No change ahead.',
    nextText: nextWho ? `Then: ${nextWho}` : '',
  };
}

/** `oncall`: who is primary and secondary now, their organisation, the next handover and who comes next. */
export function onCallCard(now: OnCallNow, people: People, hasRotations: boolean): AdaptiveCard {
  return renderCard('rota/on-call', {
    title: 'On call now',
    subtitle: `As of ${formatUkDateTime(now.at)} (UK time)`,
    layers: [layerNow(people, now.primary), layerNow(people, now.secondary)],
    footer: hasRotations ? '' : 'There is no rota yet. A lead can set one up with "rota setup".',
  });
}

/** `rota`: the window layer by layer, gaps marked. */
export function scheduleCard(window: RotaWindow, people: People, days: number): AdaptiveCard {
  const { schedule, gaps } = window;
  const layers = (['primary', 'secondary'] as const).map((layer) => {
    const segments = schedule.layers[layer];
    const rows = segments.slice(0, MAX_ROWS_PER_LAYER).map((s) => ({
      when: range(s.start, s.end),
      who: s.gap
        ? `GAP: nobody on call (${describeUnavailable(people, s.unavailable)})`
        : s.onCall.map((a) => describeAssignment(people, a)).join(', '),
      color: s.gap ? 'Attention' : 'Default',
      weight: s.gap ? 'Bolder' : 'Default',
    }));
    const more = segments.length - rows.length;
    return {
      label: LAYER_LABEL[layer],
      rows,
      emptyText: 'Nothing scheduled.',
      moreText: more > 0 ? `And ${more} more; see the calendar feed for everything.` : '',
    };
  });
  return renderCard('rota/schedule', {
    title: `The rota for the next ${days} days`,
    subtitle: `${range(schedule.from, schedule.to)} (UK time)`,
    gapSummary: gaps.length ? gapSummary(gaps) : '',
    layers,
  });
}

const gapSummary = (gaps: readonly RotaGap[]) =>
  `${gaps.length === 1 ? '1 gap' : `${gaps.length} gaps`} with nobody on call: ${gaps
    .slice(0, 5)
    .map((g) => `${g.layer} from ${formatUkDateTime(g.start)} to ${formatUkDateTime(g.end)}`)
    .join('; ')}${gaps.length > 5 ? '; ...' : ''}.`;

export interface Choice {
  title: string;
  value: string;
}

export const peopleChoices = (people: People, first: readonly string[] = []): Choice[] => {
  const all = [...people.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  const ordered = [
    ...first.map((id) => people.get(id)).filter((p): p is RotaPerson => !!p),
    ...all.filter((p) => !first.includes(p.id)),
  ];
  return ordered.map((p) => ({
    title: p.orgCode ? `${p.name} (${p.orgCode})` : p.name,
    value: p.id,
  }));
};

export interface SetupFormValues {
  layer: RotaLayer;
  name: string;
  memberIds: string[];
  shiftLength: string;
  shiftHours: string;
  handoverTime: string;
  startDate: string;
  etagPrimary: string;
  etagSecondary: string;
  addPeople?: string;
  addOrgCode?: string;
  /** Organisations to choose from when people are added by email (Graph on); empty hides those fields. */
  organisations?: { code: string; name: string }[];
  problems?: string[];
}

/**
 * `rota setup`, second step: the people chosen, numbered in the order they will take shifts, for the lead to
 * check and renumber before saving. A multi-select gives its choices in list order, not in the order they
 * were picked, so the order is set here. `values` rides in the buttons' data back to the save.
 */
export const orderFormCard = (
  values: SetupFormValues,
  people: People,
  problems: string[] = [],
  positions: readonly string[] = [],
): AdaptiveCard =>
  renderCard('rota/order-form', {
    title: `Check the order of the ${values.layer} rotation`,
    intro:
      'People take shifts in this order, then start again. To change it, give each person a different number, 1 for the first shift, and press Save rotation.',
    problems,
    people: values.memberIds.map((id, i) => ({
      inputId: `position_${i}`,
      label: personChoiceTitle(people, id),
      position: positions[i] ?? String(i + 1),
    })),
    addedLater: values.addPeople?.trim()
      ? `People added by email (${values.addPeople.trim()}) take their shifts after these.`
      : '',
    saveData: { ...setupData(values), verb: 'rota.setup', step: 'order' },
    backData: { ...setupData(values), verb: 'rota.setup.back' },
  });

/** What the order step carries back: every value of the first step, the members as a list in form order. */
const setupData = (v: SetupFormValues) => ({
  layer: v.layer,
  name: v.name,
  memberIds: v.memberIds.join(','),
  shiftLength: v.shiftLength,
  shiftHours: v.shiftHours,
  handoverTime: v.handoverTime,
  startDate: v.startDate,
  addPeople: v.addPeople ?? '',
  addOrgCode: v.addOrgCode ?? '',
  etagPrimary: v.etagPrimary,
  etagSecondary: v.etagSecondary,
});

const personChoiceTitle = (people: People, id: string): string => {
  const p = people.get(id);
  return p ? (p.orgCode ? `${p.name} (${p.orgCode})` : p.name) : id;
};

/** `rota setup`: the form leads and admins use to create or edit a layer's rotation. */
export const setupFormCard = (values: SetupFormValues, people: People): AdaptiveCard =>
  renderCard('rota/setup-form', {
    title: `Set up the ${values.layer} rotation`,
    ...values,
    memberIds: values.memberIds.join(','),
    people: peopleChoices(people, values.memberIds),
    canAddByEmail: (values.organisations ?? []).length > 0,
    addPeople: values.addPeople ?? '',
    addOrgCode: values.addOrgCode ?? '',
    organisations: (values.organisations ?? []).map((o) => ({
      title: `${o.name} (${o.code})`,
      value: o.code,
    })),
    problems: values.problems ?? [],
  });

export interface RangeFormValues {
  kind: 'cover' | 'leave';
  people?: People;
  memberId?: string;
  coveredMemberId?: string;
  from?: string;
  to?: string;
  note?: string;
  problems?: string[];
}

/** The cover and leave forms: who (cover only), from, to, a note. */
export const rangeFormCard = (v: RangeFormValues): AdaptiveCard =>
  renderCard('rota/range-form', {
    title: v.kind === 'cover' ? 'Cover a shift' : 'Mark leave',
    intro:
      v.kind === 'cover'
        ? 'Take someone\'s on-call shifts for a time. Dates in UK format or words, for example "tomorrow 9am".'
        : 'Times you cannot be on call. A date on its own means the whole day, for example "1/12 to 5/12".',
    showPeople: v.kind === 'cover',
    people: v.people ? peopleChoices(v.people) : [],
    memberId: v.memberId ?? '',
    coveredMemberId: v.coveredMemberId ?? '',
    from: v.from ?? '',
    to: v.to ?? '',
    note: v.note ?? '',
    problems: v.problems ?? [],
    verb: v.kind === 'cover' ? 'rota.cover' : 'rota.leave',
    submitTitle: v.kind === 'cover' ? 'Save cover' : 'Save leave',
  });

export interface OverrideFormValues {
  kind: 'add' | 'remove';
  people: People;
  memberId?: string;
  /** 'primary', 'secondary', or 'both' (remove only). */
  layer?: string;
  from?: string;
  to?: string;
  note?: string;
  problems?: string[];
}

/** `rota add` and `rota remove` (leads): who, which layer, from, to, a note. */
export const overrideFormCard = (v: OverrideFormValues): AdaptiveCard =>
  renderCard('rota/override-form', {
    title: v.kind === 'add' ? 'Add someone to the rota' : 'Take someone off call',
    intro:
      v.kind === 'add'
        ? 'They are on call in that layer as well as whoever the rotation says. Dates in UK format or words, for example "tomorrow 9am".'
        : 'They are not on call for that time, in one layer or both. Dates in UK format or words, for example "tomorrow 9am".',
    people: peopleChoices(v.people),
    memberId: v.memberId ?? '',
    layer: v.layer || (v.kind === 'add' ? 'primary' : 'both'),
    layers: [
      { title: 'Primary', value: 'primary' },
      { title: 'Secondary', value: 'secondary' },
      ...(v.kind === 'remove' ? [{ title: 'Both layers', value: 'both' }] : []),
    ],
    from: v.from ?? '',
    to: v.to ?? '',
    note: v.note ?? '',
    problems: v.problems ?? [],
    verb: `rota.${v.kind}`,
    submitTitle: v.kind === 'add' ? 'Add to the rota' : 'Take off call',
  });

export const DATE_EXAMPLES = [
  'tomorrow 9am to Fri 17:00',
  'Fri 17:00 to Mon 09:00',
  '28/11/2026 09:00 to 29/11/2026 09:00',
  '1/12 to 5/12 (whole days)',
];

/** Friendly help when dates could not be read. */
export const dateHelpCard = (error: string, usage: string, formCommand: string): AdaptiveCard =>
  renderCard('rota/date-help', { error, usage, examples: DATE_EXAMPLES, formCommand });

/** A post or 1:1 message from the rota's jobs: handover, reminder, gap warning. */
export const announcementCard = (v: {
  title: string;
  text?: string;
  style?: NoticeStyle;
  facts?: { title: string; value: string }[];
  footer?: string;
}): AdaptiveCard =>
  renderCard('rota/announcement', {
    title: v.title,
    text: v.text ?? '',
    style: v.style ?? 'default',
    facts: v.facts ?? [],
    footer: v.footer ?? '',
  });

/** Lines describing who is on call in a layer now, for the handover post. */
export const onCallLine = (people: People, layer: LayerOnCallNow): string =>
  layer.gap
    ? `Nobody (a gap): ${describeUnavailable(people, layer.unavailable)}`
    : layer.onCall.map((a) => describeAssignment(people, a)).join(', ');

export const formatRange = range;
export const layerLabel = (layer: RotaLayer) => LAYER_LABEL[layer];

const MAX_CHANGES = 30;

/** `rota changes`: cover and leave from now on, each with an Undo button. */
export function changesCard(
  changes: { overrides: RotaOverride[]; leave: Leave[] },
  people: People,
  from: Date,
): AdaptiveCard {
  const rows = [
    ...changes.overrides.map((o) => ({
      kind: 'override',
      id: o.id,
      start: o.start,
      what:
        o.kind === 'cover'
          ? `${personName(people, o.memberId)} covers ${personName(people, o.coveredMemberId)}${o.swapId ? ' (swap)' : ''}`
          : o.kind === 'add'
            ? `${personName(people, o.memberId)} added to ${o.layer}`
            : `${personName(people, o.memberId)} taken off call`,
      when: range(o.start, o.end),
    })),
    ...changes.leave.map((l) => ({
      kind: 'leave',
      id: l.id,
      start: l.start,
      what: `${personName(people, l.memberId)} on leave`,
      when: range(l.start, l.end),
    })),
  ].sort((a, b) => a.start.getTime() - b.start.getTime());
  const shown = rows.slice(0, MAX_CHANGES);
  return renderCard('rota/changes', {
    title: 'Cover and leave',
    subtitle: `From ${formatUkDateTime(from)} (UK time). Undo takes a change back; you can undo your own, leads any.`,
    changes: shown.map(({ kind, id, what, when }) => ({ kind, id, what, when })),
    moreText: rows.length > shown.length ? `And ${rows.length - shown.length} more.` : '',
  });
}

/** The `rota calendar` and `rota calendar reset` answers: links made now are shown, once. */
export function calendarLinksCard(
  links: { mine?: string; rota?: string },
  reset = false,
): AdaptiveCard {
  const shown = [
    ...(links.mine ? [`Your shifts: ${links.mine}`] : []),
    ...(links.rota ? [`The whole rota: ${links.rota}`] : []),
  ];
  const resetHint =
    'If a link is lost, or someone else may have it, send "rota calendar reset": you get new links and the old ones stop working at once.';
  if (shown.length === 0)
    return noticeCard(
      'You already have your rota calendar links',
      `CTAC showed them when they were made and keeps them in a form it cannot show again. ${resetHint}`,
    );
  return noticeCard(
    reset ? 'Your new rota calendar links' : 'Your rota calendar links',
    [
      `${reset ? 'Your old links have stopped working. ' : ''}Subscribe in Outlook (Add calendar, Subscribe from web). Keep these links private: anyone with one can read the rota. CTAC shows them only this once, so save them now.`,
      ...shown,
      ...(shown.length < 2 ? ['Your other link was shown when it was made.'] : []),
      resetHint,
    ].join('\n\n'),
    'accent',
  );
}
