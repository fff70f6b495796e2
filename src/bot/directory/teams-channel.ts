import type { TurnContext } from 'botbuilder';
import type { TeamChannel } from '../../app/cyber-channel';

/** The Teams channel an activity came from (the team's General channel has the team's id). */
export const channelIdOf = (context: TurnContext): string =>
  context.activity.channelData?.channel?.id ??
  // An event that names no channel (one of the two a Playground install sends) still came in one.
  (context.activity.conversation?.conversationType === 'channel'
    ? context.activity.conversation.id?.split(';')[0]
    : undefined) ??
  context.activity.channelData?.team?.id ??
  '';

/** The team channel an activity came from, with its name when Teams gave one; none outside a team. */
export function teamChannelOf(context: TurnContext): TeamChannel | undefined {
  if (!context.activity.channelData?.team?.id) return undefined;
  const name: unknown = context.activity.channelData?.channel?.name;
  return { id: channelIdOf(context), ...(typeof name === 'string' && name ? { name } : {}) };
}
