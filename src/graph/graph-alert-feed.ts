import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { AlertActivityFeed } from '../app/alerts/escalation-ports';
import type { Alert } from '../domain/alerts';
import { tabDeepLink } from '../domain/shared/tab-links';
import { sendActivityNotification, type GraphNotifier } from './graph-activity-feed';

/** The activity type the Teams app manifest declares for alert pages. */
export const ALERT_PAGE_ACTIVITY_TYPE = 'alertPage';

/**
 * An alert page in the person's Teams activity feed (activity type `alertPage`). It comes with the
 * 1:1 message carrying the alert card, and opens the chat with CTAC where that card is (an HSA opens in
 * the CTAC tab instead when the manifest id is known).
 */
export class GraphAlertActivityFeed implements AlertActivityFeed {
  private readonly graph: GraphNotifier;

  /** With `teamsAppId` (the manifest id), an HSA's notification opens the HSA in the CTAC tab. */
  constructor(
    client: Client,
    botAppId: string,
    logger: Pick<Logger, 'warn'>,
    private readonly teamsAppId?: string,
  ) {
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
        ...(this.teamsAppId &&
          alert.source === 'hsa' && {
            webUrl: tabDeepLink(this.teamsAppId, { kind: 'hsa', id: alert.id }),
          }),
      },
      { message: 'alerts: activity feed notification failed', alertId: alert.id },
    );
  }
}
