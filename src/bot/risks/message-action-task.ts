import {
  CardFactory,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
} from 'botbuilder';
import type { AdaptiveCard } from '../../cards/render';
import type { CardData } from '../card-fields';

/** The largest form a message action may send; anything bigger is not from our form. */
const MAX_SUBMIT_CHARS = 20_000;

/** A dialog showing a card (a form to fill in or fix). */
export const taskCard = (card: AdaptiveCard, title: string): MessagingExtensionActionResponse => ({
  task: {
    type: 'continue',
    value: { title, height: 'large', width: 'medium', card: CardFactory.adaptiveCard(card) },
  },
});

/** A dialog saying one thing. */
export const taskMessage = (value: string): MessagingExtensionActionResponse => ({
  task: { type: 'message', value },
});

/** The form data a message action's dialog sent back; undefined when it is far too big to be ours. */
export function submittedData(action: MessagingExtensionAction): CardData | undefined {
  const data = (action.data && typeof action.data === 'object' ? action.data : {}) as CardData;
  return JSON.stringify(data).length > MAX_SUBMIT_CHARS ? undefined : data;
}
