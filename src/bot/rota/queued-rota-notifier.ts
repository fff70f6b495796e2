import type { Logger } from 'pino';
import type { SendQueue } from '../../app/outbox';
import type { ConversationRepository } from '../../app/ports';
import type { RotaNotice, RotaNotifier } from '../../app/rota/ports';
import type { AdaptiveCard } from '../../cards/render';
import {
  announcementCard,
  formatRange,
  layerLabel,
  onCallLine,
  personName,
} from '../../cards/rota-views';
import { swapCard } from '../../cards/rota-swap-cards';
import type { Member } from '../../domain/people/member';
import { ROTA_LAYERS } from '../../domain/rota';
import { formatUkDateTime } from '../../domain/shared/time';

/**
 * The rota's notices, rendered as cards and sent through the outbox (src/app/outbox), which paces
 * them within Teams' limits and retries on throttling. Answers `true` once a message is queued for
 * somewhere it can be delivered: the ICS cyber channel, or a member with a 1:1 chat or a known Teams
 * id.
 */
export class QueuedRotaNotifier implements RotaNotifier {
  constructor(
    private readonly queue: Pick<SendQueue, 'enqueue'>,
    private readonly conversations: ConversationRepository,
    private readonly member: (aadObjectId: string) => Promise<Member | undefined>,
    private readonly logger: Logger,
  ) {}

  async postToChannel(notice: RotaNotice): Promise<boolean> {
    const channel = await this.conversations.cyberChannel();
    if (!channel) {
      this.logger.warn('rota: no ICS cyber channel saved yet; install the app in the team');
      return false;
    }
    await this.queue.enqueue({
      kind: 'channelPost',
      channelId: channel.id,
      content: { card: rotaNoticeCard(notice) },
    });
    return true;
  }

  async sendToMember(memberId: string, notice: RotaNotice): Promise<boolean> {
    const id = memberId.toLowerCase();
    const reachable =
      !!(await this.conversations.get('personal', id)) || !!(await this.member(id))?.teamsUserId;
    if (!reachable) {
      this.logger.info({ memberId: id }, 'rota: no 1:1 chat with this member yet');
      return false;
    }
    await this.queue.enqueue({
      kind: 'personal',
      aadObjectId: id,
      content: { card: rotaNoticeCard(notice) },
    });
    return true;
  }
}

/** A rota notice as its card. */
export function rotaNoticeCard(notice: RotaNotice): AdaptiveCard {
  switch (notice.kind) {
    case 'handover': {
      const { at, onCall, people, openAlerts } = notice;
      const facts = ROTA_LAYERS.flatMap((layer) => {
        const l = onCall[layer];
        return [
          { title: layerLabel(layer), value: onCallLine(people, l) },
          ...(l.until
            ? [{ title: `${layerLabel(layer)} until`, value: formatUkDateTime(l.until) }]
            : []),
        ];
      });
      const gap = onCall.primary.gap || onCall.secondary.gap;
      return announcementCard({
        title: 'Handover: who is on call now',
        text: `From ${formatUkDateTime(at)} (UK time).${gap ? ' There is a gap: a lead needs to arrange cover.' : ''}`,
        style: gap ? 'attention' : 'accent',
        facts,
        footer: [
          openAlerts.length
            ? `Open alerts handed over: ${openAlerts.join('; ')}`
            : 'No open alerts are handed over.',
          ...unreachableLines(notice.unreachable),
        ].join(' '),
      });
    }
    case 'shiftReminder': {
      const { layer, start, end, memberId, people } = notice;
      return announcementCard({
        title: `You are ${layer} on call from ${formatUkDateTime(start)}`,
        text: `Hello ${personName(people, memberId)}: your ${layer} on-call shift runs ${formatRange(start, end)} (UK time). If you cannot do it, type "swap" or ask a lead.`,
        style: 'accent',
      });
    }
    case 'gap': {
      const { layer, start, end, lookaheadDays } = notice;
      return announcementCard({
        title: `Nobody is ${layer} on call from ${formatUkDateTime(start)}`,
        text: [
          `The ${layer} rota has a gap ${end ? formatRange(start, end) : `from ${formatUkDateTime(start)} for more than ${lookaheadDays} days`} (UK time). Please arrange cover: "cover @person START to END", or change the rotation with "rota setup".`,
          ...unreachableLines(notice.unreachable),
        ].join(' '),
        style: 'attention',
      });
    }
    case 'swap':
      return swapCard(notice.swap, notice.people, notice.note);
  }
}

/** "Also: Ben Cole is on call from ... but cannot be reached on Teams: no chat with CTAC yet." */
const unreachableLines = (lines: readonly string[] | undefined): string[] =>
  lines?.length
    ? [`Also: ${lines.join('. ')}. Type "reach" to see who else cannot be reached.`]
    : [];
