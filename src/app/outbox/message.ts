/**
 * What a message shows, as plain JSON: text (with @mentions), or an adaptive card. No SDK types, so
 * a stored row can be delivered after a restart by whichever channel adapter delivers it.
 */
export interface MessageContent {
  /** Plain text; each mention appears in it as its `text` (`<at>Name</at>`). */
  text?: string;
  /** A short line Teams shows in notifications and the activity list. */
  summary?: string;
  /** An adaptive card's JSON. */
  card?: object;
  /** People @mentioned in the text. */
  mentions?: Mention[];
}

/** One @mention: how it appears in the text, and whom it names. */
export interface Mention {
  text: string;
  id: string;
  name: string;
}

/** Where an alert card's refresh goes: its message (or the queued post it follows), and the alert. */
export interface RefreshTarget {
  conversationId: string;
  activityId?: string;
  afterPostId?: string;
  alertId: string;
}

/** One outgoing message, as stored in the outbox. */
export type OutboxMessage =
  /** A new thread in a channel; `channelId` is the channel's conversation id. */
  | { kind: 'channelPost'; channelId: string; content: MessageContent }
  /**
   * Replaces a message already sent. `conversationId` is the conversation it is in (for a channel
   * thread, `channel;messageid=...`). The message id is given, or is that of an earlier queued post.
   * `personalOf` (an Entra object id) says the message is in that person's 1:1 chat with CTAC.
   */
  | {
      kind: 'update';
      conversationId: string;
      activityId?: string;
      afterPostId?: string;
      personalOf?: string;
      content: MessageContent;
    }
  /**
   * The same, for an alert's card: the card is rendered from the alert as it stands when the update
   * is sent (the outbox's `render`), so the row holds only where the message is and which alert.
   */
  | ({ kind: 'refresh' } & RefreshTarget)
  /**
   * Several alert cards' refreshes in one conversation (`conversationId`, whose budget they share),
   * stored as one row when many come at once; each is sent as its own update, in order.
   */
  | { kind: 'refreshes'; conversationId: string; targets: RefreshTarget[] }
  /**
   * A message in an existing channel thread: `conversationId` is the thread, or (with `afterPostId`)
   * the channel whose thread an earlier queued post starts, the reply waiting for that post.
   */
  | { kind: 'threadReply'; conversationId: string; afterPostId?: string; content: MessageContent }
  /** A 1:1 message to a member, by Entra object id. */
  | { kind: 'personal'; aadObjectId: string; content: MessageContent };

/** A message ready to deliver: refreshes are rendered into updates before they go. */
export type DeliverableMessage = Extract<
  OutboxMessage,
  { kind: 'channelPost' | 'update' | 'threadReply' | 'personal' }
>;

/** Where a delivered message is: a new channel thread's conversation id and message id. */
export interface Delivered {
  conversationId: string;
  activityId?: string;
}

/** The conversation a budget applies to: a channel and all its threads are one conversation. */
export const budgetKey = (message: OutboxMessage): string => {
  switch (message.kind) {
    case 'channelPost':
      return message.channelId.split(';')[0]!;
    case 'personal':
      return `personal:${message.aadObjectId.toLowerCase()}`;
    case 'update':
      return message.personalOf
        ? `personal:${message.personalOf.toLowerCase()}`
        : message.conversationId.split(';')[0]!;
    default:
      return message.conversationId.split(';')[0]!;
  }
};

/** A change to a message already sent: an update with its card, or an alert card's refresh. */
export const isCardUpdate = (
  m: OutboxMessage,
): m is Extract<OutboxMessage, { kind: 'update' | 'refresh' }> =>
  m.kind === 'update' || m.kind === 'refresh';

/** The message a card update changes: its id, or the queued post it follows. */
export const targetKey = (t: { activityId?: string; afterPostId?: string }): string =>
  t.activityId ?? `after:${t.afterPostId}`;

/** The messages a row's card updates change (none for a post or a reply). */
export const targetKeys = (m: OutboxMessage): string[] =>
  m.kind === 'refreshes' ? m.targets.map(targetKey) : isCardUpdate(m) ? [targetKey(m)] : [];
