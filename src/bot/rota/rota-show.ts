import {
  changesCard,
  formatRange,
  onCallCard,
  personName,
  scheduleCard,
} from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import type { CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import { DAY_MS, requireMember, type RotaFeatureDeps, type RotaHandlers } from './rota-turn';

const ROTA_DAYS = 14;
const CHANGES_DAYS = 183;

/** Showing the rota: who is on call, the next 14 days, and the changes booked, with Undo. */
export function rotaShow({ rota }: RotaFeatureDeps): RotaHandlers {
  const undoChange: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const id = cardField(data, 'id');
    const people = await rota.people();
    if (cardField(data, 'kind') === 'leave') {
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

  return {
    commands: {
      oncall: async (turn) => {
        await requireMember(turn, 'see who is on call');
        const [now, people, rotations] = await Promise.all([
          rota.whoIsOnCall(),
          rota.people(),
          rota.listRotations(),
        ]);
        return onCallCard(now, people, rotations.length > 0);
      },
      rota: async (turn) => {
        await requireMember(turn, 'see the rota');
        const from = rota.now();
        const [window, people] = await Promise.all([
          rota.schedule(from, new Date(from.getTime() + ROTA_DAYS * DAY_MS)),
          rota.people(),
        ]);
        return scheduleCard(window, people, ROTA_DAYS);
      },
      'rota changes': async (turn) => {
        await requireMember(turn, 'see rota changes');
        const from = rota.now();
        const [list, people] = await Promise.all([
          rota.changesBetween(from, new Date(from.getTime() + CHANGES_DAYS * DAY_MS)),
          rota.people(),
        ]);
        return changesCard(list, people, from);
      },
    },
    verbs: { 'rota.change.undo': undoChange },
  };
}
