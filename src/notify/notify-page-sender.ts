import type { AxiosError, AxiosStatic } from 'axios';
import type { NotifyClient } from 'notifications-node-client';
import type { PageFailure, PageOutcome, PageRequest, PageSender } from '../app/paging';

/** GOV.UK Notify as the config gives it (src/config.ts checks the key's form). */
export interface NotifySettings {
  baseUrl: string;
  apiKey: string;
  smsTemplateId?: string;
  emailTemplateId?: string;
}

export interface NotifyPageSenderOptions {
  /** Waits between tries (injected so tests do not wait). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Tries in all for a 429, a 5xx or no answer (default 4). */
  attempts?: number;
  /** The first backoff; it doubles on each try, with up to half again of jitter (default 500 ms). */
  backoffMs?: number;
  /** Longest wait for one answer from Notify (default 10 s). */
  timeoutMs?: number;
  random?: () => number;
}

/** Notify's error body: `{ status_code, errors: [{ error, message }] }`. */
interface NotifyErrorBody {
  status_code?: number;
  errors?: { error?: string; message?: string }[];
}

const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Texts and emails through GOV.UK Notify with its official client. Retries what may pass on another try
 * (429, 5xx, no answer) with exponential backoff and jitter; answers every other refusal at once, typed.
 */
export class NotifyPageSender implements PageSender {
  private readonly client: NotifyClient;
  readonly textEnabled: boolean;
  readonly emailEnabled: boolean;

  constructor(
    private readonly settings: NotifySettings,
    private readonly options: NotifyPageSenderOptions = {},
  ) {
    // Loaded here, not at the top: a server without NOTIFY_API_KEY never makes a sender, so it never
    // holds Notify's client in memory (issue 18; bench/memory.ts checks it).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { NotifyClient: Client } = require('notifications-node-client') as {
      NotifyClient: typeof NotifyClient;
    };
    const axios = require('axios') as AxiosStatic;
    /* eslint-enable @typescript-eslint/no-require-imports */
    this.client = new Client(settings.baseUrl, settings.apiKey);
    // The client's default has no timeout: a page must not hang on a stalled connection.
    this.client.setClient(axios.create({ timeout: options.timeoutMs ?? 10_000 }));
    this.textEnabled = !!settings.smsTemplateId;
    this.emailEnabled = !!settings.emailTemplateId;
  }

  sendText(mobile: string, request: PageRequest): Promise<PageOutcome> {
    const template = this.settings.smsTemplateId;
    if (!template) return Promise.resolve(this.failed('error', false, 'no text template set'));
    return this.withRetries('sms', () =>
      this.client.sendSms(template, mobile, {
        personalisation: { ...request.personalisation },
        ...(request.reference ? { reference: request.reference } : {}),
      }),
    );
  }

  sendEmail(email: string, request: PageRequest): Promise<PageOutcome> {
    const template = this.settings.emailTemplateId;
    if (!template) return Promise.resolve(this.failed('error', false, 'no email template set'));
    return this.withRetries('email', () =>
      this.client.sendEmail(template, email, {
        personalisation: { ...request.personalisation },
        ...(request.reference ? { reference: request.reference } : {}),
      }),
    );
  }

  /** Notify's status of a message it accepted (`delivered`, `permanent-failure`, ...), for receipts. */
  async status(notifyId: string): Promise<string> {
    const res = await this.client.getNotificationById(notifyId);
    return res.data.status;
  }

  private async withRetries(
    kind: 'sms' | 'email',
    send: () => Promise<{ data: { id: string } }>,
  ): Promise<PageOutcome> {
    const attempts = Math.max(1, this.options.attempts ?? 4);
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await send();
        return { kind: 'delivered', notifyId: res.data.id, at: this.now() };
      } catch (e) {
        const outcome = this.refusal(kind, e);
        if (!outcome.retryable || attempt >= attempts) return outcome;
        await this.sleep(this.backoff(attempt, e));
      }
    }
  }

  /** What a thrown error means: Notify's answer by status, or no answer at all. */
  private refusal(kind: 'sms' | 'email', e: unknown): Extract<PageOutcome, { kind: 'failed' }> {
    const err = e as AxiosError<NotifyErrorBody>;
    const status = err.response?.status;
    const first = err.response?.data?.errors?.[0];
    const detail = first
      ? `${status} ${first.error ?? ''}: ${first.message ?? ''}`.trim()
      : status
        ? `${status}`
        : `no answer (${err.code ?? err.message ?? 'network error'})`;
    if (status === undefined) return this.failed('error', true, detail);
    if (status === 429) return this.failed('throttled', true, detail);
    if (status >= 500) return this.failed('error', true, detail);
    if (status === 403 || status === 401) return this.failed('forbidden', false, detail);
    if (status === 400) {
      const message = `${first?.error ?? ''} ${first?.message ?? ''}`.toLowerCase();
      // A wrong template id or a missing placeholder is a setting, not the person's number.
      if (!/template|personalisation/.test(message))
        return this.failed(kind === 'sms' ? 'invalid-number' : 'invalid-address', false, detail);
    }
    return this.failed('error', false, detail);
  }

  private backoff(attempt: number, e: unknown): number {
    const header = (e as AxiosError).response?.headers?.['retry-after'];
    const seconds = Number(header);
    if (header !== undefined && Number.isFinite(seconds) && seconds >= 0)
      return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
    const base = (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
    return Math.round(base * (1 + (this.options.random ?? Math.random)() * 0.5));
  }

  private failed(reason: PageFailure, retryable: boolean, detail: string) {
    return { kind: 'failed' as const, reason, retryable, detail, at: this.now() };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private sleep(ms: number): Promise<void> {
    return this.options.sleep
      ? this.options.sleep(ms)
      : new Promise((resolve) => setTimeout(resolve, ms));
  }
}
