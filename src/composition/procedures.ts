import { Procedures } from '../app/procedures';
import { Runbooks } from '../app/runbooks';
import { proceduresFeature } from '../bot/procedures/procedures-feature';
import type { BotFeature } from '../bot/bot-feature';
import { alertCard } from '../cards/alerts';
import { TableProcedureRepository } from '../store/procedure-repository';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';
import type { RotaArea } from './rota';

/** CTAC operating procedures (issue 21) and the runbooks an alert's card opens in its thread. */
export interface ProceduresArea {
  procedures: Procedures;
  runbooks: Runbooks;
  feature: BotFeature;
}

export function composeProcedures(
  { store, clock, logger }: AppContext,
  { directory }: PeopleArea,
  outbox: OutboxArea,
  alerts: Pick<AlertsArea, 'repository' | 'cards' | 'hsaResponses'>,
  rota: Pick<RotaArea, 'onCallNames'>,
): ProceduresArea {
  const repository = new TableProcedureRepository(store);
  const procedures = new Procedures({ directory, repository, clock });
  const runbooks = new Runbooks({
    directory,
    procedures: repository,
    alerts: alerts.repository,
    clock,
    refreshCard: (alert) => alerts.cards.refreshCard(alert),
  });
  const feature = proceduresFeature({
    procedures,
    runbooks,
    async alertCard(alert, notice) {
      const onCall = await rota.onCallNames().catch(() => [] as string[]);
      const responses =
        alert.source === 'hsa'
          ? await alerts.hsaResponses.lines(alert.id).catch((err) => {
              logger.error({ err }, 'procedures: could not read the HSA responses');
              return [];
            })
          : undefined;
      return alertCard(alert, { onCall, responses, notice });
    },
    async postInThread(alert, card, summary) {
      const content = { summary, card };
      if (alert.channelPost) {
        await outbox.queue.enqueue({
          kind: 'threadReply',
          conversationId: alert.channelPost.conversationId,
          content,
        });
        return true;
      }
      // The card is queued or just sent and not yet recorded on the alert: the reply follows that post.
      const post = await outbox.queue.findPostForAlert(alert.id);
      if (!post) return false;
      await outbox.queue.enqueue({
        kind: 'threadReply',
        conversationId: post.conversationKey,
        afterPostId: post.id,
        content,
      });
      return true;
    },
  });
  return { procedures, runbooks, feature };
}
