import type { SwapRequest } from './swap-request';

/** What just happened to a swap that people may need telling about. */
export type SwapChange = 'proposed' | 'answered';

/**
 * Who hears about a swap in their own chat. When it is offered, the member asked. Once it is answered
 * (accepted, declined, approved or cancelled), the two people whose shifts it moves, except whoever
 * answered: they see the result on the card they pressed.
 */
export function whoToTellAboutSwap(
  swap: Pick<SwapRequest, 'fromMemberId' | 'toMemberId'>,
  change: SwapChange,
  actorId: string | undefined,
): string[] {
  if (change === 'proposed') return [swap.toMemberId];
  return [swap.fromMemberId, swap.toMemberId].filter((id) => id !== actorId);
}
