import type { AdaptiveCard } from '../../cards/render';
import {
  dateHelpCard,
  formatRange,
  personName,
  rangeFormCard,
  type People,
} from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import { parseUkDateTime, parseUkDateTimeRange, wholeDays, type RotaGap } from '../../domain/rota';
import type { Member } from '../../domain/people/member';
import { isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardFields } from '../card-fields';
import {
  findPerson,
  requireMember,
  ukIsoDate,
  type RotaFeatureDeps,
  type RotaHandlers,
} from './rota-turn';

const COVER_USAGE = 'cover @person START to END';
const LEAVE_USAGE = 'leave START to END';

/** A lead will need to arrange cover: what leave leaves nobody on call, in words. */
export function leaveSavedCard(leave: { start: Date; end: Date }, gaps: readonly RotaGap[]) {
  const gapText = gaps.length
    ? ` This leaves nobody on call: ${gaps.map((g) => `${g.layer} ${formatRange(g.start, g.end)}`).join('; ')}. A lead will need to arrange cover.`
    : '';
  return noticeCard(
    'Leave saved',
    `You are not on call from ${formatRange(leave.start, leave.end)} (UK time).${gapText}`,
    gaps.length ? 'warning' : 'good',
  );
}

const coverSavedCard = (memberId: string, coveredId: string, range: Range, people: People) =>
  noticeCard(
    `${personName(people, memberId)} covers ${personName(people, coveredId)}`,
    `From ${formatRange(range.start, range.end)} (UK time), ${personName(people, memberId)} takes any on-call shifts ${personName(people, coveredId)} has. Type "rota" to check.`,
    'good',
  );

interface Range {
  start: Date;
  end: Date;
}

/** `cover` (taking someone's shifts for a time) and `leave` (time someone cannot be on call). */
export function rotaCoverAndLeave({ rota }: RotaFeatureDeps): RotaHandlers {
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
        if (!parsed.ok) return dateHelpCard(parsed.error, COVER_USAGE, 'cover');
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
    if (!parsed.ok) return dateHelpCard(parsed.error, COVER_USAGE, 'cover');
    const cover = await rota.cover(caller, {
      kind: 'cover',
      memberId: caller.aadObjectId,
      coveredMemberId: person.id,
      start: parsed.start,
      end: parsed.end,
    });
    return coverSavedCard(cover.memberId, person.id, cover, people);
  }

  const saveCover: CardActionHandler = async (data, turn) => {
    const caller = await requireMember(turn, 'cover shifts');
    const values = cardFields(data, ['memberId', 'coveredMemberId', 'from', 'to', 'note']);
    const parsed = parseUkDateTimeRange(`${values.from} to ${values.to}`, rota.now());
    if (!parsed.ok) return rangeForm('cover', turn, values, [parsed.error]);
    try {
      const cover = await rota.cover(caller, {
        kind: 'cover',
        memberId: values.memberId,
        coveredMemberId: values.coveredMemberId,
        start: parsed.start,
        end: parsed.end,
        note: values.note,
      });
      if (cover.kind !== 'cover') throw new Error('expected a cover');
      return coverSavedCard(cover.memberId, cover.coveredMemberId, cover, await rota.people());
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return rangeForm('cover', turn, values, e.problems);
      throw e;
    }
  };

  async function leaveSaved(caller: Member, range: Range, note?: string) {
    const { leave, gaps } = await rota.markLeave(caller, {
      start: range.start,
      end: range.end,
      ...(note ? { note } : {}),
    });
    return leaveSavedCard(leave, gaps);
  }

  async function leaveCommand(turn: BotTurn, args: string): Promise<AdaptiveCard> {
    const caller = await requireMember(turn, 'mark leave');
    if (!args) return rangeForm('leave', turn);
    const parsed = parseUkDateTimeRange(args, rota.now());
    if (parsed.ok) return leaveSaved(caller, parsed);
    // "leave tomorrow" or "leave 5/12": a date on its own is that whole day.
    const day = parseUkDateTime(args, rota.now());
    if (day.ok && day.dateOnly) {
      const date = ukIsoDate(day.at);
      return leaveSaved(caller, wholeDays(date, date));
    }
    return dateHelpCard(parsed.error, LEAVE_USAGE, 'leave');
  }

  const saveLeave: CardActionHandler = async (data, turn) => {
    const caller = await requireMember(turn, 'mark leave');
    const values = cardFields(data, ['from', 'to', 'note']);
    const parsed = parseUkDateTimeRange(`${values.from} to ${values.to}`, rota.now());
    if (!parsed.ok) return rangeForm('leave', turn, values, [parsed.error]);
    try {
      return await leaveSaved(caller, parsed, values.note);
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return rangeForm('leave', turn, values, e.problems);
      throw e;
    }
  };

  return {
    commands: { cover: coverCommand, leave: leaveCommand },
    verbs: { 'rota.cover': saveCover, 'rota.leave': saveLeave },
  };
}
