import { ActivityTypes, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { SavedConversation } from '../app/ports';
import { noticeCard } from '../cards/views';

/** Why an activity is refused before any handler sees it, for the log. */
export interface TurnRefusal {
  reason: 'another tenant' | 'another team';
  /** What the log records about the activity (ids only, never its text or card data). */
  details: Record<string, string | undefined>;
}

export interface TurnGuardOptions {
  /** BOT_TENANT_ID: every activity must come from this Entra tenant (set in production). */
  tenantId?: string;
  /** The ICS cyber channel, with the team that holds it. */
  cyberChannel(): Promise<SavedConversation | undefined>;
}

/**
 * Checks that do not depend on what an activity asks, made once at the bot's turn entry: the activity
 * is from CTAC's own tenant (when BOT_TENANT_ID is set), and a card or message action on a message in
 * the ICS cyber channel comes from the team that holds it (a shared channel is open to other teams).
 */
export async function turnRefusal(
  activity: Partial<Activity>,
  opts: TurnGuardOptions,
): Promise<TurnRefusal | undefined> {
  const details = {
    type: activity.type,
    name: activity.name,
    conversationId: activity.conversation?.id,
    fromAadObjectId: activity.from?.aadObjectId,
  };
  if (opts.tenantId) {
    const expected = opts.tenantId.toLowerCase();
    const named = [activity.conversation?.tenantId, activity.channelData?.tenant?.id].filter(
      (t): t is string => typeof t === 'string' && t !== '',
    );
    // An activity that names no tenant is not one Teams sent: refused like a foreign one.
    if (named.length === 0 || named.some((t) => t.toLowerCase() !== expected))
      return {
        reason: 'another tenant',
        details: { ...details, tenantId: [...new Set(named)].join(',') },
      };
  }
  if (activity.type !== ActivityTypes.Invoke) return undefined;
  const channelId = activity.channelData?.channel?.id;
  const threadOf = activity.conversation?.id?.split(';')[0];
  if (!channelId && activity.conversation?.conversationType !== 'channel') return undefined;
  const cyber = await opts.cyberChannel();
  if (!cyber?.teamId || (cyber.id !== channelId && cyber.id !== threadOf)) return undefined;
  const teamId = activity.channelData?.team?.id;
  if (teamId === cyber.teamId) return undefined;
  return { reason: 'another team', details: { ...details, teamId } };
}

/** Refused, with nothing of CTAC's in the answer: a short card for a card action, else 403. */
export async function refuseTurn(context: TurnContext): Promise<void> {
  if (context.activity.type !== ActivityTypes.Invoke) return;
  const response: InvokeResponse =
    context.activity.name === 'adaptiveCard/action'
      ? {
          status: 200,
          body: {
            statusCode: 200,
            type: 'application/vnd.microsoft.card.adaptive',
            value: noticeCard(
              'Not available here',
              'CTAC only takes actions from its own team. Nothing was changed.',
              'attention',
            ),
          },
        }
      : { status: 403 };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: response });
}
