import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { ActivityFeed } from '../app/rota/ports';

/** The activity type the Teams app manifest declares for on-call reminders. */
export const ON_CALL_ACTIVITY_TYPE = 'onCallReminder';
const MAX_PREVIEW = 150;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Activity feed notifications through Microsoft Graph (`sendActivityNotification`, application
 * permission TeamsActivity.Send; the app must be installed for the person and its manifest must
 * declare the `onCallReminder` activity type). The notification opens the chat with CTAC.
 */
export class GraphActivityFeed implements ActivityFeed {
  constructor(
    private readonly client: Client,
    private readonly botAppId: string,
    private readonly logger: Logger,
  ) {}

  async notify(memberId: string, text: string): Promise<boolean> {
    const id = memberId.toLowerCase();
    if (!ENTRA_ID.test(id)) return false;
    try {
      await this.client.api(`/users/${id}/teamwork/sendActivityNotification`).post({
        topic: {
          source: 'text',
          value: 'CTAC on-call rota',
          webUrl: `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(this.botAppId)}`,
        },
        activityType: ON_CALL_ACTIVITY_TYPE,
        previewText: { content: text.slice(0, MAX_PREVIEW) },
        templateParameters: [{ name: 'shift', value: text.slice(0, MAX_PREVIEW) }],
      });
      return true;
    } catch (e) {
      this.logger.warn({ err: e, memberId: id }, 'rota: activity feed notification failed');
      return false;
    }
  }
}
