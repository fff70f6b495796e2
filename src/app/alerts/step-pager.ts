/*
 * Sending an escalation step's pages: each person's Teams page (and its note in the activity feed), the
 * question to the channel when the step asks it, and the leads told of any rota gap. Used by
 * AlertEscalation.
 */
import type { Logger } from 'pino';
import type { Alert } from '../../domain/alerts';
import type { AlertActivityFeed } from './escalation-ports';
import type { PageDelivery } from './page-delivery';
import type { AlertNotifier } from './ports';
import type { PageRecipients, StepRecipients } from './step-recipients';

export interface StepPagerDeps {
  notifier: Pick<AlertNotifier, 'page' | 'replyInThread'>;
  /** The Teams activity feed (Microsoft Graph), when configured: each page also shows there. */
  activityFeed?: AlertActivityFeed;
  /** Only whether it is there: with delivery tracked, each Teams page carries its step and name. */
  delivery?: PageDelivery;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/** Queues a step's pages for AlertEscalation; who they go to is StepRecipients' answer. */
export class StepPager {
  constructor(
    private readonly deps: StepPagerDeps,
    /** Telling the leads of the rota gaps a step found. */
    private readonly who: Pick<StepRecipients, 'tellLeadsAboutGaps'>,
  ) {}

  /**
   * Queues each person's Teams page (tracked when delivery is), asks the channel when the step says
   * so and tells the leads of any rota gap. Answers the people whose page could not be queued.
   */
  async sendPages(
    alert: Alert,
    recipients: PageRecipients,
    escalationSeq: number,
  ): Promise<PageRecipients['people']> {
    const tracking = (name: string) => (this.deps.delivery ? { escalationSeq, name } : undefined);
    const unqueued: PageRecipients['people'] = [];
    for (const person of recipients.people)
      await this.deps.notifier.page(person.id, alert, tracking(person.name)).then(
        () =>
          this.deps.activityFeed
            ?.alertPaged(person.id, alert)
            .catch((err) =>
              this.deps.logger?.warn(
                { err, alertId: alert.id },
                'alerts: activity feed notification failed',
              ),
            ),
        (err) => {
          unqueued.push(person);
          this.deps.logger?.error(
            { err, alertId: alert.id, memberAadObjectId: person.id },
            'paging a member failed',
          );
        },
      );
    if (recipients.channel)
      await this.deps.notifier
        .replyInThread(
          alert,
          `Nobody on call has acknowledged this ${alert.severity} alert yet. Can anyone in the channel pick it up?`,
        )
        .catch((err) =>
          this.deps.logger?.error({ err, alertId: alert.id }, 'asking the channel failed'),
        );
    await this.who.tellLeadsAboutGaps(alert, recipients);
    return unqueued;
  }
}
