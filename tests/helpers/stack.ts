import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { startPlayground, type PlaygroundProcess } from '../../scripts/playground';

/** What the bot sent, as the Playground's conversation stream shows it. */
export interface BotMessage {
  action: 'createMessage' | 'updateMessage' | string;
  conversationId: string;
  messageId: string;
  text?: string;
  cards: Record<string, unknown>[];
  raw: Record<string, unknown>;
}

export const PLAYGROUND = {
  team: 'team-ics-cyber',
  channel: 'channel-ics-cyber',
  personalChat: 'personal-chat-ctac',
  botId: '3b1f6a2e-8c4d-4e9f-a1b2-c3d4e5f60718',
  users: {
    asha: {
      id: 'user-asha',
      aadObjectId: 'a1a1a1a1-0000-4000-8000-000000000001',
      name: 'Asha Patel',
    },
    ben: {
      id: 'user-ben',
      aadObjectId: 'b2b2b2b2-0000-4000-8000-000000000002',
      name: 'Ben Okafor',
    },
    chloe: {
      id: 'user-chloe',
      aadObjectId: 'c3c3c3c3-0000-4000-8000-000000000003',
      name: 'Chloë Davies',
    },
  },
} as const;

/**
 * The whole stack for an end-to-end test: in-memory Azurite, the app on a random port and the Playground
 * (a real local Teams client) on another, with a reader of the Playground's conversation stream.
 */
export class E2eStack {
  readonly messages: BotMessage[] = [];
  private waiters: (() => void)[] = [];
  private constructor(
    readonly app: RunningApp,
    readonly playground: PlaygroundProcess,
    private readonly azurite: EmbeddedAzurite,
    private readonly ws: WebSocket,
  ) {
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString());
      const message = event.message ?? {};
      this.messages.push({
        action: event.action,
        conversationId: event.actionConversationId ?? message.conversation?.id ?? '',
        messageId: message.messageId ?? message.id ?? '',
        text: message.text,
        cards: (message.attachments ?? [])
          .filter(
            (a: { contentType?: string }) =>
              a.contentType === 'application/vnd.microsoft.card.adaptive',
          )
          .map((a: { content: Record<string, unknown> }) => a.content),
        raw: event,
      });
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async start(env: Record<string, string> = {}): Promise<E2eStack> {
    const azurite = await startEmbeddedAzurite();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      ...env,
    });
    const app = await startApp(config, { logger: createLogger('silent') });
    const playground = await startPlayground({ botEndpoint: `${app.url}/api/messages` });
    const ws = new WebSocket(
      `ws://127.0.0.1:${playground.port}/_ws_conversation/v1/conversations/stream`,
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new E2eStack(app, playground, azurite, ws);
  }

  async stop(): Promise<void> {
    this.ws.close();
    await this.playground.stop();
    await this.app.stop();
    await this.azurite.stop();
  }

  /**
   * Someone types a command and waits for the card that answers with `expectText`. A form asked for in a
   * channel opens in the asker's own chat (issue 22, item 13) while the thread gets a pointer: then the
   * form's card is returned placed at the pointer, as other people in the channel can only press from there.
   */
  async ask(
    conversationId: string,
    fromId: string,
    text: string,
    expectText: string,
  ): Promise<BotMessage> {
    const before = this.messages.length;
    const inChannel = conversationId !== PLAYGROUND.personalChat;
    await this.say(conversationId, fromId, text, { mention: inChannel });
    const answer = await this.waitForMessage(
      (m) => this.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
    );
    if (!inChannel || answer.conversationId !== PLAYGROUND.personalChat) return answer;
    const pointer = await this.waitForMessage(
      (m) =>
        this.messages.indexOf(m) >= before &&
        m.conversationId.startsWith(conversationId) &&
        cardText(m.cards).includes("I've sent you the form in our chat"),
    );
    return { ...answer, conversationId: pointer.conversationId, messageId: pointer.messageId };
  }

  /** Waits until the bot has sent a message that matches, and returns it. */
  async waitForMessage(match: (m: BotMessage) => boolean, timeoutMs = 15_000): Promise<BotMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching bot message in ${timeoutMs} ms; saw:\n${this.describe()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  describe(): string {
    return this.messages
      .map(
        (m) =>
          `${m.action} ${m.conversationId}: ${m.text ?? ''} ${JSON.stringify(m.cards).slice(0, 200)}`,
      )
      .join('\n');
  }

  async install(conversationId: string): Promise<void> {
    await this.post(`/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  /** A person types in a chat (1:1) or, with `mention`, @mentions the bot in a channel or group chat. */
  async say(
    conversationId: string,
    fromId: string,
    text: string,
    opts: { mention?: boolean } = {},
  ): Promise<void> {
    const body = opts.mention
      ? {
          from: { id: fromId },
          text: `<at>CTAC</at> ${text}`,
          textFormat: 'plain',
          mentions: [{ mentioned: { id: PLAYGROUND.botId, name: 'CTAC' }, text: '<at>CTAC</at>' }],
        }
      : { from: { id: fromId }, text, textFormat: 'plain' };
    await this.post(
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      body,
    );
  }

  /** Presses an Action.Execute button; returns the invoke response (the card that replaces the old one). */
  async execute(
    conversationId: string,
    fromId: string,
    verb: string,
    data: Record<string, unknown>,
    replyToId: string,
  ): Promise<{ type?: string; value?: Record<string, unknown> }> {
    const res = await this.post('/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      conversation: { id: conversationId },
      from: { id: fromId },
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } },
    });
    return res as { type?: string; value?: Record<string, unknown> };
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.playground.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Playground ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** Every TextBlock text and FactSet fact in a card, flattened, for assertions on what a person reads. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['text'] === 'string') out.push(n['text']);
    if (typeof n['title'] === 'string') out.push(n['title']);
    if (typeof n['value'] === 'string') out.push(n['value']);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}
