import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { ActivityFeed } from '../app/rota/ports';

/** The activity type the Teams app manifest declares for on-call reminders. */
export const ON_CALL_ACTIVITY_TYPE = 'onCallReminder';
const MAX_PREVIEW = 150;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What sending a notification needs: the Graph client, the bot (the chat it opens) and a log. */
export interface GraphNotifier {
  client: Client;
  botAppId: string;
  logger: Pick<Logger, 'warn'>;
}

/**
 * One activity feed notification through Microsoft Graph (`sendActivityNotification`, application
 * permission TeamsActivity.Send; the app must be installed for the person and its manifest must
 * declare the activity type). It opens the chat with CTAC, or `note.webUrl`. False when the id is not an Entra object
 * id or Graph refuses (logged as a warning with `context`); a failure never stops the caller.
 */
export async function sendActivityNotification(
  graph: GraphNotifier,
  memberId: string,
  note: {
    topic: string;
    activityType: string;
    parameter: string;
    text: string;
    /** Where the notification opens: a deep link into the tab; by default the chat with CTAC. */
    webUrl?: string;
  },
  context: { message: string } & Record<string, unknown>,
): Promise<boolean> {
  const id = memberId.toLowerCase();
  if (!ENTRA_ID.test(id)) return false;
  const text = note.text.slice(0, MAX_PREVIEW);
  try {
    await graph.client.api(`/users/${id}/teamwork/sendActivityNotification`).post({
      topic: {
        source: 'text',
        value: note.topic,
        webUrl:
          note.webUrl ??
          `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(graph.botAppId)}`,
      },
      activityType: note.activityType,
      previewText: { content: text },
      templateParameters: [{ name: note.parameter, value: text }],
    });
    return true;
  } catch (e) {
    const { message, ...fields } = context;
    graph.logger.warn({ err: e, memberId: id, ...fields }, message);
    return false;
  }
}

/** On-call reminders in the person's Teams activity feed (activity type `onCallReminder`). */
export class GraphActivityFeed implements ActivityFeed {
  private readonly graph: GraphNotifier;

  constructor(client: Client, botAppId: string, logger: Pick<Logger, 'warn'>) {
    this.graph = { client, botAppId, logger };
  }

  notify(memberId: string, text: string): Promise<boolean> {
    return sendActivityNotification(
      this.graph,
      memberId,
      { topic: 'CTAC on-call rota', activityType: ON_CALL_ACTIVITY_TYPE, parameter: 'shift', text },
      { message: 'rota: activity feed notification failed' },
    );
  }
}
