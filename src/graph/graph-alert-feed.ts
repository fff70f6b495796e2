import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { AlertActivityFeed } from '../app/alerts/escalation-ports';
import type { Alert } from '../domain/alerts';

/** The activity type the Teams app manifest declares for alert pages. */
export const ALERT_PAGE_ACTIVITY_TYPE = 'alertPage';
const MAX_PREVIEW = 150;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An alert page in the person's Teams activity feed through Microsoft Graph
 * (`sendActivityNotification`, application permission TeamsActivity.Send; the app must be installed
 * for the person, and its manifest declares the `alertPage` activity type). It comes with the 1:1
 * message carrying the alert card, and opens the chat with CTAC where that card is.
 */
export class GraphAlertActivityFeed implements AlertActivityFeed {
  constructor(
    private readonly client: Client,
    private readonly botAppId: string,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async alertPaged(memberId: string, alert: Alert): Promise<boolean> {
    const id = memberId.toLowerCase();
    if (!ENTRA_ID.test(id)) return false;
    const line = `${alert.severity} alert: ${alert.title}`.slice(0, MAX_PREVIEW);
    try {
      await this.client.api(`/users/${id}/teamwork/sendActivityNotification`).post({
        topic: {
          source: 'text',
          value: 'CTAC alert',
          webUrl: `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(this.botAppId)}`,
        },
        activityType: ALERT_PAGE_ACTIVITY_TYPE,
        previewText: { content: line },
        templateParameters: [{ name: 'alert', value: line }],
      });
      return true;
    } catch (e) {
      this.logger.warn(
        { err: e, memberId: id, alertId: alert.id },
        'alerts: activity feed notification failed',
      );
      return false;
    }
  }
}
