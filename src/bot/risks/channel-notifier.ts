import { TurnContext, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationRepository } from '../../app/ports';
import type {
  EnqueueOptions,
  MessageContent,
  OutboxMessage,
  QueuedSend,
  SendQueue,
} from '../../app/outbox';
import type {
  RiskCardKind,
  RiskCardPlace,
  RiskCardPlaces,
  RiskEscalationNotifier,
  RiskReminderNotifier,
} from '../../app/risks/ports';
import type { Directory } from '../../app/directory';
import { decisionLoggedCard } from '../../cards/decision-views';
import { orgNamesOf } from '../../cards/risk-card-format';
import { escalationCard, riskCard } from '../../cards/risk-views';
import type { Decision } from '../../domain/decisions';
import { ESCALATION_CHOICE_LABELS, type DueRiskReminder, type Risk } from '../../domain/risk';
import { formatUkDateTime } from '../../domain/shared/time';
import {
  leadCopy,
  leadCopyDecided,
  leadReminder,
  moreInformationAsked,
  withLeadsMentioned,
  type LeadToName,
} from './risk-chase-messages';

/** The outbox purpose of a risk's cards: once delivered, where each went is recorded in RiskCards. */
export const RISK_CARD_PURPOSE = 'risk-card';

export interface TeamsRiskNotifierDeps {
  queue: Pick<SendQueue, 'enqueue' | 'newId' | 'onPosted'>;
  conversations: Pick<ConversationRepository, 'cyberChannel'>;
  directory: Pick<Directory, 'listOrganisations'>;
  places: RiskCardPlaces;
  /** The leads of the ICS cyber group (admins too), to @mention and to message. */
  leads(): Promise<LeadToName[]>;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * A risk's cards in Teams, all through the outbox (so a 429 is retried and a crash loses nothing): the
 * escalation card in the ICS cyber channel with the leads @mentioned, a copy to each lead in their chat,
 * reminders to the leads, and, on a decision made anywhere (the card's buttons or the tab), updates of
 * every card of the risk and a confirmation in the escalation's thread. Where each card went is recorded
 * (RiskCards) once the outbox has delivered it. A failure to queue is logged, not thrown: the risk is
 * already changed and stays on the register for the leads (`risks`).
 */
export class TeamsRiskEscalationNotifier implements RiskEscalationNotifier, RiskReminderNotifier {
  constructor(private readonly deps: TeamsRiskNotifierDeps) {
    deps.queue.onPosted(RISK_CARD_PURPOSE, (row, where) => this.recordDelivered(row, where));
  }

  async postEscalation(risk: Risk): Promise<void> {
    try {
      const [names, leads, channel] = await Promise.all([
        this.orgNames(),
        this.deps.leads(),
        this.deps.conversations.cyberChannel(),
      ]);
      const card = escalationCard(risk, names);
      if (channel)
        await this.queueCard(risk.id, 'escalation', channel.id, {
          kind: 'channelPost',
          channelId: channel.id,
          content: { summary: `Risk ${risk.id} escalated`, card: withLeadsMentioned(card, leads) },
        });
      else
        this.deps.logger.warn(
          { riskId: risk.id },
          'risks: no ICS cyber channel saved yet; install the app in the team',
        );
      for (const lead of leads)
        await this.queueCard(risk.id, `lead:${lead.aadObjectId}`, '', {
          kind: 'personal',
          aadObjectId: lead.aadObjectId,
          content: leadCopy(risk, card),
        });
    } catch (e) {
      this.deps.logger.error({ err: e, riskId: risk.id }, 'risks: could not queue the escalation');
    }
  }

  /** Remembers the raiser's copy of the risk card: the message `activityId` in the turn's conversation. */
  async rememberRaiserCard(
    riskId: string,
    context: TurnContext,
    activityId: string,
  ): Promise<void> {
    try {
      const reference = TurnContext.getConversationReference(context.activity);
      const personal = reference.conversation?.conversationType === 'personal';
      await this.deps.places.save(riskId, 'raiser', {
        conversationId: reference.conversation?.id ?? '',
        activityId,
        ...(personal && context.activity.from?.aadObjectId
          ? { personalOf: context.activity.from.aadObjectId.toLowerCase() }
          : { reference }),
      });
    } catch (e) {
      this.deps.logger.warn({ err: e, riskId }, 'risks: could not remember the raiser\u2019s card');
    }
  }

  async decided(risk: Risk, decision: Decision): Promise<void> {
    const names = await this.orgNames().catch(() => ({}));
    const places = await this.deps.places.list(risk.id).catch((e: unknown) => {
      this.deps.logger.warn(
        { err: e, riskId: risk.id },
        'risks: could not find where the cards are',
      );
      return [];
    });
    const escalated = escalationCard(risk, names);
    for (const { kind, place } of places) {
      if (kind === 'escalation') {
        const card = { card: escalated };
        await this.queue(risk.id, 'update the escalation card', updateOf(inThread(place), card));
        await this.queue(risk.id, 'confirm the decision', replyIn(place, decision, names));
      } else if (kind === 'raiser') {
        const d = risk.lastDecision;
        const banner = d && {
          text: `The ICS cyber group decided: ${ESCALATION_CHOICE_LABELS[d.choice]} (${d.by.name}, ${formatUkDateTime(d.at)}).`,
          style: 'good' as const,
        };
        await this.queue(
          risk.id,
          'update the raiser\u2019s card',
          updateOf(place, { card: riskCard(risk, names, banner || undefined) }),
        );
      } else {
        await this.queue(
          risk.id,
          'update a lead\u2019s copy',
          updateOf(place, leadCopyDecided(risk, escalated)),
        );
      }
    }
    if (decision.outcome === 'information-requested')
      await this.queue(risk.id, 'tell the raiser more information is wanted', {
        kind: 'personal',
        aadObjectId: risk.raisedBy.id,
        content: moreInformationAsked(risk),
      });
  }

  async remindLeads(risk: Risk, reminder: DueRiskReminder): Promise<void> {
    const [names, leads] = await Promise.all([this.orgNames(), this.deps.leads()]);
    const card = escalationCard(risk, names);
    for (const lead of leads)
      await this.queueCard(risk.id, `lead:${lead.aadObjectId}`, '', {
        kind: 'personal',
        aadObjectId: lead.aadObjectId,
        content: leadReminder(risk, reminder, card),
      });
  }

  /**
   * Queues a card of the risk, first noting where it will be (its outbox row), so a decision made before
   * it is delivered still updates it, and the "posted" callback then records its message.
   */
  private async queueCard(
    riskId: string,
    kind: RiskCardKind,
    conversationId: string,
    message: OutboxMessage,
  ): Promise<void> {
    const postId = this.deps.queue.newId();
    const personalOf = message.kind === 'personal' ? message.aadObjectId : undefined;
    await this.deps.places.save(riskId, kind, {
      conversationId,
      postId,
      ...(personalOf && { personalOf }),
    });
    const opts: EnqueueOptions = {
      id: postId,
      purpose: RISK_CARD_PURPOSE,
      subject: JSON.stringify({ riskId, kind }),
    };
    await this.deps.queue.enqueue(message, opts);
  }

  private async recordDelivered(
    row: QueuedSend,
    where: { conversationId: string; activityId: string },
  ): Promise<void> {
    const { riskId, kind } = JSON.parse(row.subject ?? '{}') as {
      riskId?: string;
      kind?: RiskCardKind;
    };
    if (!riskId || !kind) return;
    const personalOf = row.message.kind === 'personal' ? row.message.aadObjectId : undefined;
    await this.deps.places.delivered(riskId, kind, row.id, {
      conversationId: where.conversationId,
      activityId: where.activityId,
      ...(personalOf && { personalOf }),
    });
  }

  /** Queues one message about a risk; a failure is logged, as the change itself is already saved. */
  private async queue(riskId: string, what: string, message: OutboxMessage): Promise<void> {
    try {
      await this.deps.queue.enqueue(message);
    } catch (e) {
      this.deps.logger.warn({ err: e, riskId }, `risks: could not ${what}`);
    }
  }

  private async orgNames() {
    return orgNamesOf(await this.deps.directory.listOrganisations());
  }
}

/**
 * An update of a card where it is: its message once delivered, else the queued post it follows. A card in
 * a person's chat is updated there; a place saved before the outbox names its chat by its reference.
 */
function updateOf(place: RiskCardPlace, content: MessageContent): OutboxMessage {
  const personalOf = place.personalOf ?? personalOfReference(place.reference);
  return {
    kind: 'update',
    conversationId: place.conversationId,
    ...(place.activityId ? { activityId: place.activityId } : { afterPostId: place.postId }),
    ...(personalOf && { personalOf }),
    content,
  };
}

/**
 * A channel post is its own thread: its card is updated and answered there, as a button press is. Places
 * saved before the outbox name the channel; the thread is the channel and the message id.
 */
function inThread(place: RiskCardPlace): RiskCardPlace {
  if (!place.activityId || place.conversationId.includes(';')) return place;
  return { ...place, conversationId: `${place.conversationId};messageid=${place.activityId}` };
}

/** The decision's confirmation in the escalation card's thread, or after its queued post. */
function replyIn(
  place: RiskCardPlace,
  decision: Decision,
  names: Parameters<typeof decisionLoggedCard>[1],
): OutboxMessage {
  const content = { card: decisionLoggedCard(decision, names) };
  if (place.activityId)
    return { kind: 'threadReply', conversationId: inThread(place).conversationId, content };
  return {
    kind: 'threadReply',
    conversationId: place.conversationId,
    afterPostId: place.postId,
    content,
  };
}

/** The person whose 1:1 chat a saved conversation reference is, if it is one. */
function personalOfReference(reference: unknown): string | undefined {
  const ref = reference as Partial<ConversationReference> | undefined;
  if (ref?.conversation?.conversationType !== 'personal') return undefined;
  return ref.user?.aadObjectId?.toLowerCase();
}
