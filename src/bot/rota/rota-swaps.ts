import type { SwapAnswer, SwapOutcome } from '../../app/rota/rota-service';
import { swapCard, swapFormCard, type ShiftChoice } from '../../cards/rota-swap-cards';
import { personName, type People } from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import { whoToTellAboutSwap, type SwapRequest } from '../../domain/rota';
import { isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardField, cardFields } from '../card-fields';
import { DAY_MS, requireMember, type RotaFeatureDeps, type RotaHandlers } from './rota-turn';

const SWAP_DAYS = 28;

function outcomeMessage(outcome: SwapOutcome): string {
  if (outcome.raced) return 'Someone else answered this swap first; this is where it stands now.';
  if (!outcome.changed) return 'Nothing changed: that was already done.';
  return '';
}

/** `swap`: a member offers one of their shifts; the person asked (or a lead) answers on the card. */
export function rotaSwaps({ rota, notifier, logger }: RotaFeatureDeps): RotaHandlers {
  /** Tells each person in their 1:1 chat; a chat that cannot be reached is logged, not an error. */
  async function tell(ids: readonly string[], swap: SwapRequest, people: People, note: string) {
    if (!notifier) return;
    for (const id of ids)
      await notifier
        .sendToMember(id, { kind: 'swap', swap, people, note })
        .catch((e) => logger.warn({ err: e }, 'rota: could not tell a member about a swap'));
  }

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
    const values = cardFields(data, ['shift', 'toMemberId', 'note']);
    const [layer, start, end] = values.shift.split('|');
    try {
      const swap = await rota.proposeSwap(caller, {
        layer,
        fromMemberId: caller.aadObjectId,
        toMemberId: values.toMemberId,
        shift: { start, end },
        note: values.note,
      });
      const people = await rota.people();
      await tell(
        whoToTellAboutSwap(swap, 'proposed', caller.aadObjectId),
        swap,
        people,
        `${caller.name} would like you to take this shift.`,
      );
      return swapCard(
        swap,
        people,
        `${personName(people, swap.toMemberId)} can accept or decline here${notifier ? ' or in their chat with me' : ''}.`,
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
      const outcome = await rota.answerSwap(caller, cardField(data, 'swapId'), kind);
      const people = await rota.people();
      await tell(
        outcome.tell,
        outcome.swap,
        people,
        `${caller?.name ?? 'Someone'} answered this swap.`,
      );
      return swapCard(outcome.swap, people, outcomeMessage(outcome));
    };

  return {
    commands: { swap: (turn) => swapForm(turn) },
    verbs: {
      'rota.swap.propose': proposeSwap,
      'rota.swap.accept': answer('accept'),
      'rota.swap.decline': answer('decline'),
      'rota.swap.approve': answer('approve'),
      'rota.swap.cancel': answer('cancel'),
    },
  };
}
