import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { AlertActivityFeed } from '../app/alerts/escalation-ports';
import type { Alert } from '../domain/alerts';
import { sendActivityNotification, type GraphNotifier } from './graph-activity-feed';

/** The activity type the Teams app manifest declares for alert pages. */
export const ALERT_PAGE_ACTIVITY_TYPE = 'alertPage';

/**
 * An alert page in the person's Teams activity feed (activity type `alertPage`). It comes with the
 * 1:1 message carrying the alert card, and opens the chat with CTAC where that card is.
 */
export class GraphAlertActivityFeed implements AlertActivityFeed {
  private readonly graph: GraphNotifier;

  constructor(client: Client, botAppId: string, logger: Pick<Logger, 'warn'>) {
    this.graph = { client, botAppId, logger };
  }

  alertPaged(memberId: string, alert: Alert): Promise<boolean> {
    return sendActivityNotification(
      this.graph,
      memberId,
      {
        topic: 'CTAC alert',
        activityType: ALERT_PAGE_ACTIVITY_TYPE,
        parameter: 'alert',
        text: `${alert.severity} alert: ${alert.title}`,
      },
      { message: 'alerts: activity feed notification failed', alertId: alert.id },
    );
  }
}
