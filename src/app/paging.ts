/*
 * Pages beyond Teams: a text message or an email to one person, through GOV.UK Notify
 * (src/notify/notify-page-sender.ts). The adapter retries what may pass on a second try (Notify's 429
 * and 5xx) and answers one typed outcome; nothing is thrown for a refusal.
 */

/** Why Notify did not take a message. */
export type PageFailure =
  /** Notify refused the phone number (400). */
  | 'invalid-number'
  /** Notify refused the email address (400). */
  | 'invalid-address'
  /** The API key was refused (403): a setting to fix, not a person's details. */
  | 'forbidden'
  /** Still rate limited (429) after the retries. */
  | 'throttled'
  /** Anything else: Notify's 5xx after the retries, a timeout, another 400 (a wrong template id). */
  | 'error';

export type PageOutcome =
  /** Notify accepted the message (its own delivery receipt comes later). */
  | { kind: 'delivered'; notifyId: string; at: Date }
  /** `retryable`: trying again later may work (throttled, Notify down); otherwise it will not. */
  | { kind: 'failed'; reason: PageFailure; retryable: boolean; detail: string; at: Date };

/** Values for the template's `((placeholders))`. */
export type Personalisation = Readonly<Record<string, string>>;

export interface PageRequest {
  personalisation: Personalisation;
  /** Our own id for the message, echoed by Notify (and its receipts). */
  reference?: string;
}

/** Sends texts and emails; present only when GOV.UK Notify is configured. */
export interface PageSender {
  /** Whether texts can be sent (a key and a text template). */
  readonly textEnabled: boolean;
  /** Whether emails can be sent (a key and an email template). */
  readonly emailEnabled: boolean;
  /** A text to a mobile number in international form (`+447700900123`). */
  sendText(mobile: string, request: PageRequest): Promise<PageOutcome>;
  sendEmail(email: string, request: PageRequest): Promise<PageOutcome>;
  /**
   * GOV.UK Notify's status of a message it accepted (`sending`, `delivered`, `permanent-failure`, ...),
   * for delivery receipts; throws when Notify does not answer. Absent: receipts are not checked.
   */
  status?(notifyId: string): Promise<string>;
}

/** A failure reason in plain words, for cards. */
export const PAGE_FAILURE_TEXT: Readonly<Record<PageFailure, string>> = {
  'invalid-number': 'GOV.UK Notify refused the number',
  'invalid-address': 'GOV.UK Notify refused the email address',
  forbidden: 'GOV.UK Notify refused CTAC’s key (an admin needs to check NOTIFY_API_KEY)',
  throttled: 'GOV.UK Notify is busy (rate limited); try again in a minute',
  error: 'GOV.UK Notify could not take it',
};
