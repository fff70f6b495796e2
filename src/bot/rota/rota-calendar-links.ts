import { calendarLinksCard } from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import type { BotTurn } from '../bot-feature';
import { requireMember, type RotaFeatureDeps, type RotaHandlers } from './rota-turn';

/** `rota calendar` and `rota calendar reset`: a member's private calendar links, shown once. */
export function rotaCalendarLinks({ calendar }: RotaFeatureDeps): RotaHandlers {
  const links = async (turn: BotTurn, reset: boolean) => {
    const caller = await requireMember(turn, 'get calendar links');
    if (!calendar) return noticeCard('Calendar links are not available here');
    return reset
      ? calendarLinksCard(await calendar.reset(caller), true)
      : calendarLinksCard(await calendar.linksFor(caller));
  };
  return {
    commands: {
      'rota calendar': (turn) => links(turn, false),
      'rota calendar reset': (turn) => links(turn, true),
    },
    verbs: {},
  };
}
