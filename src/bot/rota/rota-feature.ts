import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { RotaNotifier } from '../../app/rota/ports';
import type { RotaPerson, RotaService, SwapAnswer, SwapOutcome } from '../../app/rota/rota-service';
import type { AdaptiveCard } from '../../cards/render';
import {
  calendarLinksCard,
  changesCard,
  dateHelpCard,
  formatRange,
  onCallCard,
  overrideFormCard,
  personName,
  rangeFormCard,
  scheduleCard,
  setupFormCard,
  orderFormCard,
  swapCard,
  swapFormCard,
  type People,
  type SetupFormValues,
  type ShiftChoice,
} from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import {
  isRotaLayer,
  parseUkDateTime,
  parseUkDateTimeRange,
  wholeDays,
  type RotaLayer,
} from '../../domain/rota';
import type { Member } from '../../domain/people/member';
import { orderByPositions } from '../../domain/rota/rotation-order';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import { formatUkDate, UK_ZONE } from '../../domain/shared/time';
import type { BotFeature, BotTurn, CardActionHandler } from '../bot-feature';
import type { CommandSpec } from '../commands';

const DAY_MS = 86_400_000;
const ROTA_DAYS = 14;
const SWAP_DAYS = 28;
const CHANGES_DAYS = 183;
const MAX_FIELD = 100;

const COMMANDS: CommandSpec[] = [
  {
    name: 'oncall',
    usage: 'oncall',
    description: 'Who is primary and secondary on call now, and who is next.',
    group: 'Rota',
  },
  {
    name: 'rota',
    usage: 'rota',
    description: 'The rota for the next 14 days, with any gaps.',
    group: 'Rota',
  },
  {
    name: 'rota setup',
    usage: 'rota setup [primary|secondary]',
    description: 'Set up or change a rotation (leads).',
    group: 'Rota',
  },
  {
    name: 'cover',
    usage: 'cover @person START to END',
    description: 'Take someone\'s shifts for a time, e.g. "cover @Ben tomorrow 9am to Fri 17:00".',
    group: 'Rota',
  },
  {
    name: 'leave',
    usage: 'leave START to END',
    description: 'Mark time you cannot be on call, e.g. "leave 1/12 to 5/12".',
    group: 'Rota',
  },
  {
    name: 'swap',
    usage: 'swap',
    description: 'Offer one of your shifts to someone; they accept on the card.',
    group: 'Rota',
  },
  {
    name: 'rota add',
    usage: 'rota add @person [primary|secondary] START to END',
    description:
      'Put someone on call as well as the rotation for a time, e.g. "rota add @Ben secondary Fri 17:00 to Mon 9am" (leads).',
    group: 'Rota',
  },
  {
    name: 'rota remove',
    usage: 'rota remove @person [primary|secondary] START to END',
    description:
      'Take someone off call for a time, in one layer or both, e.g. "rota remove @Ben 1/12 9am to 2/12 9am" (leads).',
    group: 'Rota',
  },
  {
    name: 'rota changes',
    usage: 'rota changes',
    description: 'Cover, added and removed people, and leave booked from now on, with Undo.',
    group: 'Rota',
  },
  {
    name: 'rota calendar',
    usage: 'rota calendar',
    description:
      'Your private calendar links for Outlook (your shifts, and the whole rota), shown once.',
    group: 'Rota',
  },
  {
    name: 'rota calendar reset',
    usage: 'rota calendar reset',
    description: 'New calendar links for you; your old ones stop working at once.',
    group: 'Rota',
  },
];

/** Secret calendar links, for `rota calendar` and `rota calendar reset`: only links made now are given. */
export interface CalendarLinks {
  linksFor(member: Member): Promise<{ mine?: string; rota?: string }>;
  reset(member: Member): Promise<{ mine: string; rota: string }>;
}

export interface RotaFeatureDeps {
  rota: RotaService;
  logger: Logger;
  calendar?: CalendarLinks;
  /** Tells the member asked about a swap in a 1:1 chat, when there is one. */
  notifier?: RotaNotifier;
}

/** The rota in Teams: handlers translate, call one use case and render one card. */
export function rotaFeature(deps: RotaFeatureDeps): BotFeature {
  const { rota } = deps;

  const requireMember = async (turn: BotTurn, doing: string): Promise<Member> => {
    const caller = await turn.caller();
    if (!caller)
      throw new CtacError(
        'not_a_member',
        `Only CTAC members can ${doing}. Ask an admin to add you.`,
      );
    return caller;
  };

  async function onCall(turn: BotTurn): Promise<AdaptiveCard> {
    await requireMember(turn, 'see who is on call');
    const [now, people, rotations] = await Promise.all([
      rota.whoIsOnCall(),
      rota.people(),
      rota.listRotations(),
    ]);
    return onCallCard(now, people, rotations.length > 0);
  }

  async function schedule(turn: BotTurn): Promise<AdaptiveCard> {
    await requireMember(turn, 'see the rota');
    const from = rota.now();
    const [window, people] = await Promise.all([
      rota.schedule(from, new Date(from.getTime() + ROTA_DAYS * DAY_MS)),
      rota.people(),
    ]);
    return scheduleCard(window, people, ROTA_DAYS);
  }

  /** The rota's forms are for leads: refused before a form (or its order step) is shown. */
  function requireLead(caller: Member | undefined): void {
    if (!caller)
      throw new CtacError(
        'not_a_member',
        'Only CTAC members can set up the rota. Ask an admin to add you.',
      );
    if (caller.role === 'member')
      throw new CtacError('forbidden', 'Only leads can set up the rota.');
  }

  async function setupForm(
    turn: BotTurn,
    args: string,
    problems: string[] = [],
    submitted?: Partial<SetupFormValues>,
  ) {
    // The form is only for leads: refuse before showing it (the save checks again).
    requireLead(await turn.caller());
    const layer: RotaLayer = args.trim().toLowerCase() === 'secondary' ? 'secondary' : 'primary';
    const [primary, secondary, people, organisations] = await Promise.all([
      rota.getRotation('primary'),
      rota.getRotation('secondary'),
      rota.people(),
      rota.canFindPeople ? rota.listOrganisations() : Promise.resolve([]),
    ]);
    const current = layer === 'primary' ? primary : secondary;
    const r = current?.rotation;
    return setupFormCard(
      {
        layer,
        name: r?.name ?? `CTAC ${layer}`,
        memberIds: r?.memberIds ?? [],
        shiftLength: r?.shiftLength.kind ?? 'weekly',
        shiftHours: r?.shiftLength.kind === 'hours' ? String(r.shiftLength.hours) : '',
        handoverTime: r?.handoverTime ?? '09:00',
        startDate: ukDateText(r?.startDate ?? ukIsoDate(rota.now())),
        etagPrimary: primary?.etag ?? '',
        etagSecondary: secondary?.etag ?? '',
        organisations,
        ...submitted,
        problems,
      },
      people,
    );
  }

  /** What the setup form's values mean to the rota service, with the members in their order. */
  const setupInput = (v: SetupFormValues, memberIds: string[]) => ({
    name: v.name,
    memberIds,
    shiftLength:
      v.shiftLength.toLowerCase() === 'hours'
        ? { kind: 'hours', hours: v.shiftHours }
        : v.shiftLength,
    handoverTime: v.handoverTime,
    startDate: v.startDate,
  });

  /** The order step's "Back to the form": the first step again, with what was chosen. */
  const backToSetup: CardActionHandler = async (data, turn) => {
    const layer = text(data['layer']).toLowerCase();
    return setupForm(turn, layer, [], {
      layer: isRotaLayer(layer) ? layer : 'primary',
      name: text(data['name']),
      memberIds: text(data['memberIds'], 10_000)
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
      shiftLength: text(data['shiftLength']),
      shiftHours: text(data['shiftHours']),
      handoverTime: text(data['handoverTime']),
      startDate: text(data['startDate']),
      addPeople: text(data['addPeople'], 2000),
      addOrgCode: text(data['addOrgCode']),
    });
  };

  const saveRotation: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const layer = text(data['layer']).toLowerCase();
    const etag = layer === 'secondary' ? text(data['etagSecondary']) : text(data['etagPrimary']);
    const kind = text(data['shiftLength']).toLowerCase();
    const chosen = text(data['memberIds'], 10_000)
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const addPeople = text(data['addPeople'], 2000);
    const submitted: SetupFormValues = {
      layer: isRotaLayer(layer) ? layer : 'primary',
      name: text(data['name']),
      memberIds: chosen,
      shiftLength: kind,
      shiftHours: text(data['shiftHours']),
      handoverTime: text(data['handoverTime']),
      startDate: text(data['startDate']),
      addPeople,
      addOrgCode: text(data['addOrgCode']),
      etagPrimary: text(data['etagPrimary']),
      etagSecondary: text(data['etagSecondary']),
    };
    const step = text(data['step']);
    // From the form: the people chosen, numbered, for the lead to check the order before anything is saved.
    if (step === 'choose' && chosen.length > 0) {
      requireLead(await turn.caller());
      // The other fields are checked first, so a mistake there comes back before the order is asked.
      const problems = rota.checkRotation({ ...setupInput(submitted, chosen), layer });
      if (problems.length) return setupForm(turn, submitted.layer, problems, submitted);
      return orderFormCard(submitted, await rota.people());
    }
    if (step === 'order') {
      const people = await rota.people();
      const ordered = orderByPositions(
        chosen,
        chosen.map((_, i) => text(data[`position_${i}`])),
        (id) => personName(people, id),
      );
      if (!ordered.ok) {
        requireLead(await turn.caller());
        return orderFormCard(submitted, people, ordered.problems, ordered.positions);
      }
      chosen.splice(0, chosen.length, ...ordered.memberIds);
    }
    try {
      const added = await rota.addPeopleBySignInName(
        caller,
        addPeople.split(/[\s,;]+/).filter(Boolean),
        text(data['addOrgCode']),
      );
      const input = {
        ...setupInput(submitted, [
          ...chosen,
          ...added.filter((id) => !chosen.includes(id.toLowerCase())),
        ]),
        layer,
      };
      const { rotation, created } = await rota.setupRotation(caller, input, etag || undefined);
      const people = await rota.people();
      const length =
        rotation.shiftLength.kind === 'hours'
          ? `${rotation.shiftLength.hours}-hour`
          : rotation.shiftLength.kind;
      return noticeCard(
        `${created ? 'Set up' : 'Changed'} the ${rotation.layer} rotation "${rotation.name}"`,
        `${rotation.memberIds.map((id) => personName(people, id)).join(', ')} take ${length} shifts in that order, handing over at ${rotation.handoverTime} UK time, from ${formatUkDate(`${rotation.startDate}T12:00:00Z`)}. Type "rota" to see the next 14 days.`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return setupForm(turn, submitted.layer!, e.problems, submitted);
      throw e;
    }
  };

  async function rangeForm(
    kind: 'cover' | 'leave',
    turn: BotTurn,
    values: Record<string, string> = {},
    problems: string[] = [],
  ) {
    const caller = await requireMember(turn, kind === 'cover' ? 'cover shifts' : 'mark leave');
    return rangeFormCard({
      kind,
      people: kind === 'cover' ? await rota.people() : undefined,
      memberId: values['memberId'] ?? caller.aadObjectId,
      coveredMemberId: values['coveredMemberId'] ?? '',
      from: values['from'] ?? '',
      to: values['to'] ?? '',
      note: values['note'] ?? '',
      problems,
    });
  }

  async function coverCommand(turn: BotTurn, args: string): Promise<AdaptiveCard> {
    const caller = await requireMember(turn, 'cover shifts');
    const people = await rota.people();
    const { person, rest } = findPerson(people, turn, args);
    if (!person) {
      if (rest) {
        const parsed = parseUkDateTimeRange(rest, rota.now());
        if (!parsed.ok) return dateHelpCard(parsed.error, 'cover @person START to END', 'cover');
      }
      return rangeForm(
        'cover',
        turn,
        { from: '', to: '' },
        args
          ? ['Say whose shifts you are covering: mention them with @, or choose them here.']
          : [],
      );
    }
    if (!rest) return rangeForm('cover', turn, { coveredMemberId: person.id });
    const parsed = parseUkDateTimeRange(rest, rota.now());
    if (!parsed.ok) return dateHelpCard(parsed.error, 'cover @person START to END', 'cover');
    const cover = await rota.cover(caller, {
      kind: 'cover',
      memberId: caller.aadObjectId,
      coveredMemberId: person.id,
      start: parsed.start,
      end: parsed.end,
    });
    return coverSaved(cover.memberId, person.id, cover.start, cover.end, people);
  }

  const coverSaved = (
    memberId: string,
    coveredId: string,
    start: Date,
    end: Date,
    people: People,
  ) =>
    noticeCard(
      `${personName(people, memberId)} covers ${personName(people, coveredId)}`,
      `From ${formatRange(start, end)} (UK time), ${personName(people, memberId)} takes any on-call shifts ${personName(people, coveredId)} has. Type "rota" to check.`,
      'good',
    );

  const saveCover: CardActionHandler = async (data, turn) => {
    const caller = await requireMember(turn, 'cover shifts');
    const values = formValues(data, ['memberId', 'coveredMemberId', 'from', 'to', 'note']);
    const parsed = parseUkDateTimeRange(`${values['from']} to ${values['to']}`, rota.now());
    if (!parsed.ok) return rangeForm('cover', turn, values, [parsed.error]);
    try {
      const cover = await rota.cover(caller, {
        kind: 'cover',
        memberId: values['memberId'],
        coveredMemberId: values['coveredMemberId'],
        start: parsed.start,
        end: parsed.end,
        note: values['note'],
      });
      if (cover.kind !== 'cover') throw new Error('expected a cover');
      return coverSaved(
        cover.memberId,
        cover.coveredMemberId,
        cover.start,
        cover.end,
        await rota.people(),
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return rangeForm('cover', turn, values, e.problems);
      throw e;
    }
  };

  async function leaveSaved(caller: Member, start: Date, end: Date, note?: string) {
    const leave = await rota.addLeave(caller, { start, end, ...(note ? { note } : {}) });
    const { gaps } = await rota.schedule(leave.start, leave.end);
    const gapText = gaps.length
      ? ` This leaves nobody on call: ${gaps.map((g) => `${g.layer} ${formatRange(g.start, g.end)}`).join('; ')}. A lead will need to arrange cover.`
      : '';
    return noticeCard(
      'Leave saved',
      `You are not on call from ${formatRange(leave.start, leave.end)} (UK time).${gapText}`,
      gaps.length ? 'warning' : 'good',
    );
  }

  async function leaveCommand(turn: BotTurn, args: string): Promise<AdaptiveCard> {
    const caller = await requireMember(turn, 'mark leave');
    if (!args) return rangeForm('leave', turn);
    const parsed = parseUkDateTimeRange(args, rota.now());
    if (parsed.ok) return leaveSaved(caller, parsed.start, parsed.end);
    // "leave tomorrow" or "leave 5/12": a date on its own is that whole day.
    const day = parseUkDateTime(args, rota.now());
    if (day.ok && day.dateOnly) {
      const date = DateTime.fromJSDate(day.at, { zone: UK_ZONE }).toISODate()!;
      const whole = wholeDays(date, date);
      return leaveSaved(caller, whole.start, whole.end);
    }
    return dateHelpCard(parsed.error, 'leave START to END', 'leave');
  }

  const saveLeave: CardActionHandler = async (data, turn) => {
    const caller = await requireMember(turn, 'mark leave');
    const values = formValues(data, ['from', 'to', 'note']);
    const parsed = parseUkDateTimeRange(`${values['from']} to ${values['to']}`, rota.now());
    if (!parsed.ok) return rangeForm('leave', turn, values, [parsed.error]);
    try {
      return await leaveSaved(caller, parsed.start, parsed.end, values['note']);
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return rangeForm('leave', turn, values, e.problems);
      throw e;
    }
  };

  async function swapForm(
    turn: BotTurn,
    values: Record<string, string> = {},
    problems: string[] = [],
  ) {
    const caller = await requireMember(turn, 'swap shifts');
    const from = rota.now();
    const [window, people] = await Promise.all([
      rota.schedule(from, new Date(from.getTime() + SWAP_DAYS * DAY_MS)),
      rota.people(),
    ]);
    const shifts: ShiftChoice[] = window.shifts
      .filter((s) => s.memberId === caller.aadObjectId)
      .map((s) => ({ layer: s.layer, start: s.start, end: s.end }));
    if (shifts.length === 0)
      return noticeCard(
        'You have no shifts to swap',
        `You are not on call in the next ${SWAP_DAYS} days. Type "rota" to see who is.`,
      );
    return swapFormCard({ shifts, people, excludeId: caller.aadObjectId, ...values, problems });
  }

  const proposeSwap: CardActionHandler = async (data, turn) => {
    const caller = await requireMember(turn, 'swap shifts');
    const values = formValues(data, ['shift', 'toMemberId', 'note']);
    const [layer, start, end] = values['shift']!.split('|');
    try {
      const swap = await rota.proposeSwap(caller, {
        layer,
        fromMemberId: caller.aadObjectId,
        toMemberId: values['toMemberId'],
        shift: { start, end },
        note: values['note'],
      });
      const people = await rota.people();
      if (deps.notifier)
        await deps.notifier
          .sendToMember(
            swap.toMemberId,
            swapCard(swap, people, `${caller.name} would like you to take this shift.`),
          )
          .catch((e) =>
            deps.logger.warn({ err: e }, 'rota: could not tell the member about a swap'),
          );
      return swapCard(
        swap,
        people,
        `${personName(people, swap.toMemberId)} can accept or decline here${deps.notifier ? ' or in their chat with me' : ''}.`,
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation') return swapForm(turn, values, e.problems);
      throw e;
    }
  };

  const answer =
    (kind: SwapAnswer): CardActionHandler =>
    async (data, turn) => {
      const caller = await turn.caller();
      const outcome = await rota.answerSwap(caller, text(data['swapId']), kind);
      const people = await rota.people();
      if (outcome.changed && deps.notifier) {
        // Tell the others involved in a 1:1 chat: the proposer, and the member asked if a lead answered.
        const { swap } = outcome;
        const others = [swap.fromMemberId, swap.toMemberId].filter(
          (id) => id !== caller?.aadObjectId,
        );
        const note = `${caller?.name ?? 'Someone'} answered this swap.`;
        for (const id of others)
          await deps.notifier
            .sendToMember(id, swapCard(swap, people, note))
            .catch((e) =>
              deps.logger.warn({ err: e }, 'rota: could not tell a member about a swap'),
            );
      }
      return swapCard(outcome.swap, people, outcomeMessage(outcome));
    };

  async function changes(turn: BotTurn): Promise<AdaptiveCard> {
    await requireMember(turn, 'see rota changes');
    const from = rota.now();
    const [list, people] = await Promise.all([
      rota.changesBetween(from, new Date(from.getTime() + CHANGES_DAYS * DAY_MS)),
      rota.people(),
    ]);
    return changesCard(list, people, from);
  }

  const undoChange: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const id = text(data['id']);
    const people = await rota.people();
    if (text(data['kind']) === 'leave') {
      const leave = await rota.removeLeave(caller, id);
      return noticeCard(
        'Leave taken back',
        `${personName(people, leave.memberId)} can be on call again ${formatRange(leave.start, leave.end)} (UK time).`,
        'good',
      );
    }
    const removed = await rota.removeOverride(caller, id);
    return noticeCard(
      'Change taken back',
      `The rota is as it was ${formatRange(removed.start, removed.end)} (UK time). Type "rota" to check.`,
      'good',
    );
  };

  /** `rota add` and `rota remove`: leads put someone on call, or take them off, for a time. */
  async function overrideForm(
    kind: 'add' | 'remove',
    turn: BotTurn,
    values: Record<string, string> = {},
    problems: string[] = [],
  ): Promise<AdaptiveCard> {
    const caller = await requireMember(turn, 'change the rota');
    // The form is only for leads: refuse before showing it (the save checks again).
    if (caller.role === 'member')
      throw new CtacError('forbidden', 'Only leads can change the rota.');
    return overrideFormCard({
      kind,
      people: await rota.people(),
      ...values,
      problems,
    });
  }

  async function overrideSaved(
    kind: 'add' | 'remove',
    caller: Member,
    values: { memberId: string; layer: string; start: Date; end: Date; note?: string },
  ): Promise<AdaptiveCard> {
    const layer = isRotaLayer(values.layer) ? values.layer : undefined;
    const saved = await rota.addOverride(caller, {
      kind,
      memberId: values.memberId,
      ...(layer ? { layer } : {}),
      start: values.start,
      end: values.end,
      note: values.note || undefined,
    });
    const people = await rota.people();
    const name = personName(people, saved.memberId);
    const range = formatRange(saved.start, saved.end);
    return kind === 'add'
      ? noticeCard(
          `${name} added to the ${saved.layer} rota`,
          `From ${range} (UK time), ${name} is on call in the ${saved.layer} layer as well as whoever the rotation says. Type "rota" to check, or "rota changes" to undo it.`,
          'good',
        )
      : noticeCard(
          `${name} taken off call`,
          `From ${range} (UK time), ${name} is not on call${saved.layer ? ` in the ${saved.layer} layer` : ''}. Type "rota" to check for gaps, or "rota changes" to undo it.`,
          'good',
        );
  }

  async function overrideCommand(
    kind: 'add' | 'remove',
    turn: BotTurn,
    args: string,
  ): Promise<AdaptiveCard> {
    const caller = await requireMember(turn, 'change the rota');
    const usage = `rota ${kind} @person [primary|secondary] START to END`;
    const { person, rest } = findPerson(await rota.people(), turn, args);
    if (!person)
      return overrideForm(
        kind,
        turn,
        {},
        args ? ['Say who: mention them with @, or choose them here.'] : [],
      );
    const [first = '', ...others] = rest.split(' ');
    const layer = isRotaLayer(first.toLowerCase()) ? first.toLowerCase() : '';
    const dates = layer ? others.join(' ') : rest;
    if (!dates) return overrideForm(kind, turn, { memberId: person.id, layer });
    const parsed = parseUkDateTimeRange(dates, rota.now());
    if (!parsed.ok) return dateHelpCard(parsed.error, usage, `rota ${kind}`);
    return overrideSaved(kind, caller, {
      memberId: person.id,
      layer: layer || (kind === 'add' ? 'primary' : ''),
      start: parsed.start,
      end: parsed.end,
    });
  }

  const saveOverride =
    (kind: 'add' | 'remove'): CardActionHandler =>
    async (data, turn) => {
      const caller = await requireMember(turn, 'change the rota');
      const values = formValues(data, ['memberId', 'layer', 'from', 'to', 'note']);
      const parsed = parseUkDateTimeRange(`${values['from']} to ${values['to']}`, rota.now());
      if (!parsed.ok) return overrideForm(kind, turn, values, [parsed.error]);
      try {
        return await overrideSaved(kind, caller, {
          memberId: values['memberId']!,
          layer: values['layer'] === 'both' ? '' : values['layer']!,
          start: parsed.start,
          end: parsed.end,
          note: values['note'],
        });
      } catch (e) {
        if (isCtacError(e) && e.code === 'validation')
          return overrideForm(kind, turn, values, e.problems);
        throw e;
      }
    };

  async function calendar(turn: BotTurn, reset: boolean): Promise<AdaptiveCard> {
    const caller = await requireMember(turn, 'get calendar links');
    if (!deps.calendar) return noticeCard('Calendar links are not available here');
    return reset
      ? calendarLinksCard(await deps.calendar.reset(caller), true)
      : calendarLinksCard(await deps.calendar.linksFor(caller));
  }

  return {
    commands: COMMANDS,
    async runCommand(name, args, turn) {
      switch (name) {
        case 'oncall':
          return onCall(turn);
        case 'rota':
          return schedule(turn);
        case 'rota setup':
          return setupForm(turn, args);
        case 'cover':
          return coverCommand(turn, args);
        case 'leave':
          return leaveCommand(turn, args);
        case 'swap':
          return swapForm(turn);
        case 'rota calendar':
          return calendar(turn, false);
        case 'rota calendar reset':
          return calendar(turn, true);
        case 'rota changes':
          return changes(turn);
        case 'rota add':
          return overrideCommand('add', turn, args);
        case 'rota remove':
          return overrideCommand('remove', turn, args);
        default:
          return noticeCard('That rota command is not known', 'Type "help" to see the commands.');
      }
    },
    verbs: {
      'rota.setup': saveRotation,
      'rota.setup.back': backToSetup,
      'rota.cover': saveCover,
      'rota.leave': saveLeave,
      'rota.swap.propose': proposeSwap,
      'rota.swap.accept': answer('accept'),
      'rota.swap.decline': answer('decline'),
      'rota.swap.approve': answer('approve'),
      'rota.swap.cancel': answer('cancel'),
      'rota.change.undo': undoChange,
      'rota.add': saveOverride('add'),
      'rota.remove': saveOverride('remove'),
    },
  };
}

function outcomeMessage(outcome: SwapOutcome): string {
  if (outcome.raced) return 'Someone else answered this swap first; this is where it stands now.';
  if (!outcome.changed) return 'Nothing changed: that was already done.';
  return '';
}

const ukIsoDate = (at: Date): string => DateTime.fromJSDate(at, { zone: UK_ZONE }).toISODate()!;

/** `2026-12-16` as people in the UK write it, `16/12/2026`, for a date field they may retype. */
const ukDateText = (isoDate: string): string =>
  DateTime.fromISO(isoDate, { zone: UK_ZONE }).toFormat('dd/MM/yyyy');

/** Card data is untrusted: only short strings are read. */
function text(value: unknown, max = MAX_FIELD * 5): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function formValues(data: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, text(data[k])]));
}

/**
 * The person a `cover` command names: an @mention (by their Teams id or name), or a sign-in name or
 * a member's full name at the start of the text. Returns the text left over (the dates).
 */
function findPerson(
  people: People,
  turn: BotTurn,
  args: string,
): { person?: RotaPerson; rest: string } {
  const activity = turn.context.activity;
  const botId = activity.recipient?.id;
  const all = [...people.values()];
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mentioned = (entity as { mentioned?: { id?: string; name?: string } }).mentioned;
    if (!mentioned || mentioned.id === botId) continue;
    const person =
      all.find((p) => p.teamsUserId && p.teamsUserId === mentioned.id) ??
      all.find((p) => p.name.toLowerCase() === (mentioned.name ?? '').toLowerCase());
    if (person) return { person, rest: args };
  }
  const lower = args.toLowerCase();
  const first = lower.split(' ')[0] ?? '';
  if (first.includes('@')) {
    const person = all.find((p) => p.upn && p.upn.toLowerCase() === first);
    if (person) return { person, rest: args.slice(first.length).trim() };
  }
  const byName = all
    .filter((p) => lower === p.name.toLowerCase() || lower.startsWith(`${p.name.toLowerCase()} `))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (byName) return { person: byName, rest: args.slice(byName.name.length).trim() };
  return { rest: args };
}
