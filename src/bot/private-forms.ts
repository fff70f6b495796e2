import type { Activity } from 'botbuilder';
import type { ConversationRepository } from '../app/ports';
import type { AdaptiveCard } from '../cards/render';
import { noticeCard } from '../cards/views';

/**
 * Forms asked for in a channel or group chat open in the person's own chat with CTAC: what they type
 * (a risk, an incident, a decision, their leave) is nobody else's business until they send it, and a
 * form posted in a thread could be filled in by anyone who sees it.
 */

/** Sends an activity to a person's chat with CTAC (the send queue's personal delivery). */
export type SendPersonal = (aadObjectId: string, activity: Partial<Activity>) => Promise<unknown>;

/**
 * Whether a card is a form: it has inputs of its own, in its body. Inputs only inside an Action.ShowCard
 * (the alert card's "Add note") are a card's buttons, not a form, and stay where the card is.
 */
export function isForm(card: AdaptiveCard): boolean {
  const walk = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(walk);
    if (!node || typeof node !== 'object') return false;
    const n = node as Record<string, unknown>;
    if (typeof n['type'] === 'string' && n['type'].startsWith('Input.')) return true;
    return ['items', 'columns'].some((key) => walk(n[key]));
  };
  return walk((card as { body?: unknown }).body);
}

/**
 * Sends the form to the person's chat and answers with the short public reply for the thread; with no
 * chat to send to yet, the reply says where to ask instead and the form goes nowhere.
 */
export async function sendFormPrivately(
  deps: { conversations: Pick<ConversationRepository, 'get'>; sendPersonal: SendPersonal },
  aadObjectId: string | undefined,
  form: AdaptiveCard,
  attachment: (card: AdaptiveCard) => NonNullable<Activity['attachments']>[number],
): Promise<AdaptiveCard> {
  const id = aadObjectId?.toLowerCase();
  const chat = id ? await deps.conversations.get('personal', id) : undefined;
  if (!id || !chat)
    return noticeCard(
      'Open your chat with CTAC to fill in this form',
      'Forms open in your own chat with CTAC, so what you type stays private until you send it. Open the chat with CTAC in Teams, say "help" there, then ask again (there or here).',
    );
  await deps.sendPersonal(id, { type: 'message', attachments: [attachment(form)] });
  return noticeCard(
    "I've sent you the form in our chat",
    'Open your chat with CTAC to fill it in. What you type there stays private until you send it.',
  );
}
