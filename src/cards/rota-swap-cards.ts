import type { RotaLayer, SwapRequest } from '../domain/rota';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';
import {
  formatRange,
  layerLabel,
  peopleChoices,
  personName,
  personWithOrg,
  type People,
} from './rota-views';
import type { NoticeStyle } from './views';

/** The rota's shift swap cards (adaptiveCards/rota/swap-form.json and swap.json). */

export interface ShiftChoice {
  layer: RotaLayer;
  start: Date;
  end: Date;
}

export const encodeShiftChoice = (s: ShiftChoice): string =>
  `${s.layer}|${s.start.toISOString()}|${s.end.toISOString()}`;

/** `swap`: choose one of your shifts and who takes it. */
export const swapFormCard = (v: {
  shifts: ShiftChoice[];
  people: People;
  excludeId: string;
  shift?: string;
  toMemberId?: string;
  note?: string;
  problems?: string[];
}): AdaptiveCard =>
  renderCard('rota/swap-form', {
    shifts: v.shifts.map((s) => ({
      title: `${layerLabel(s.layer)}: ${formatRange(s.start, s.end)}`,
      value: encodeShiftChoice(s),
    })),
    people: peopleChoices(v.people).filter((c) => c.value !== v.excludeId),
    shift: v.shift ?? '',
    toMemberId: v.toMemberId ?? '',
    note: v.note ?? '',
    problems: v.problems ?? [],
  });

const SWAP_STATUS: Record<SwapRequest['status'], { text: string; style: NoticeStyle }> = {
  proposed: { text: 'Waiting for an answer.', style: 'accent' },
  accepted: { text: 'Accepted: the rota has changed.', style: 'good' },
  approved: { text: 'Approved by a lead: the rota has changed.', style: 'good' },
  declined: { text: 'Declined: the rota is unchanged.', style: 'warning' },
  cancelled: { text: 'Cancelled: the rota is unchanged.', style: 'default' },
};

/** A swap request, with Accept / Decline (the member asked), Approve (a lead) and Cancel while it is open. */
export function swapCard(swap: SwapRequest, people: People, message = ''): AdaptiveCard {
  const from = personName(people, swap.fromMemberId);
  const to = personName(people, swap.toMemberId);
  const status = SWAP_STATUS[swap.status];
  const decided =
    swap.decidedBy && swap.decidedAt && swap.status !== 'proposed'
      ? [
          {
            title: 'Answered',
            value: `by ${personName(people, swap.decidedBy)}, ${formatUkDateTime(swap.decidedAt)}`,
          },
        ]
      : [];
  const facts = [
    {
      title: 'Shift',
      value: `${layerLabel(swap.layer)}, ${formatRange(swap.shift.start, swap.shift.end)}`,
    },
    { title: 'From', value: personWithOrg(people, swap.fromMemberId) },
    { title: 'To', value: personWithOrg(people, swap.toMemberId) },
    ...(swap.inReturn
      ? [{ title: 'In return', value: formatRange(swap.inReturn.start, swap.inReturn.end) }]
      : []),
    ...(swap.note ? [{ title: 'Note', value: swap.note }] : []),
    ...decided,
  ];
  const open = swap.status === 'proposed';
  const button = (title: string, verb: string, style: string) => ({
    title,
    verb,
    style,
    swapId: swap.id,
  });
  return renderCard('rota/swap', {
    title: `Swap: ${from} asks ${to} to take a shift`,
    statusText: status.text,
    style: status.style,
    message,
    facts,
    buttons: open
      ? [
          button('Accept', 'rota.swap.accept', 'positive'),
          button('Decline', 'rota.swap.decline', 'destructive'),
          button('Approve (lead)', 'rota.swap.approve', 'default'),
          button('Cancel', 'rota.swap.cancel', 'default'),
        ]
      : [],
  });
}
