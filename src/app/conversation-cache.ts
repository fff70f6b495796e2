import type { Clock } from '../domain/shared/clock';
import { ExpiringMap } from './cached-value';
import type { ConversationRepository, SavedConversation } from './ports';

/**
 * Conversation look-ups remembered briefly: every message to Teams starts by finding where to send it
 * (the ICS cyber channel, a person's chat), and those rarely change. A change made through this
 * repository shows at once; one made by another instance shows here within `ttlMs`. Only
 * conversations found are remembered, so a newly installed chat is never missed.
 */
export class CachedConversationRepository implements ConversationRepository {
  private readonly cache: ExpiringMap<SavedConversation>;
  private channel?: { conversation: SavedConversation; until: number };

  constructor(
    private readonly inner: ConversationRepository,
    private readonly clock: Clock,
    private readonly ttlMs = 30_000,
  ) {
    this.cache = new ExpiringMap(clock, ttlMs);
  }

  async get(kind: SavedConversation['kind'], id: string): Promise<SavedConversation | undefined> {
    const key = `${kind}\n${id}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const conversation = await this.inner.get(kind, id);
    if (conversation) this.cache.set(key, conversation);
    else this.cache.delete(key);
    return conversation;
  }

  async cyberChannel(): Promise<SavedConversation | undefined> {
    const now = this.clock.now().getTime();
    if (this.channel && this.channel.until > now) return this.channel.conversation;
    const conversation = await this.inner.cyberChannel();
    this.channel = conversation && { conversation, until: now + this.ttlMs };
    return conversation;
  }

  async save(conversation: SavedConversation): Promise<void> {
    const forget = () => {
      this.cache.delete(`${conversation.kind}\n${conversation.id}`);
      // A channel heard from may become the ICS cyber channel (when none was chosen).
      if (conversation.kind !== 'personal') this.channel = undefined;
    };
    forget();
    await this.inner.save(conversation);
    forget();
  }

  async chooseCyberChannel(
    channelId: string,
    at: string,
    opts?: { onlyIfUnset?: boolean },
  ): Promise<void> {
    this.forget();
    await this.inner.chooseCyberChannel(channelId, at, opts);
    this.forget();
  }

  list(kind: SavedConversation['kind']): Promise<SavedConversation[]> {
    return this.inner.list(kind);
  }

  markOnce(key: string, at: string): Promise<boolean> {
    return this.inner.markOnce(key, at);
  }

  private forget(): void {
    this.channel = undefined;
  }
}
