import {
  nextSendAt,
  sendsToKeep,
  TEAMS_CONVERSATION_LIMITS,
  type SendLimit,
} from '../../domain/teams-send-budget';

/**
 * Each conversation's recent sends, against Teams' per-conversation limits (in memory; rebuilt from
 * the sent rows after a restart).
 */
export class SendBudget {
  private readonly sentAt = new Map<string, number[]>();

  constructor(readonly limits: readonly SendLimit[] = TEAMS_CONVERSATION_LIMITS) {}

  /** The longest window a limit counts over: how far back a restart must look. */
  get longestWindowMs(): number {
    return Math.max(...this.limits.map((l) => l.windowMs));
  }

  /** When the conversation may send next (now or earlier when it may send at once). */
  nextSendAt(conversationKey: string, now: Date): Date {
    return nextSendAt(this.sentAt.get(conversationKey) ?? [], now, this.limits);
  }

  record(key: string, at: Date): void {
    const kept = sendsToKeep(this.sentAt.get(key) ?? [], at, this.limits);
    kept.push(at.getTime());
    this.sentAt.set(key, kept);
  }

  /** Moves a send recorded at `from` to `to` (when the answer came). */
  move(key: string, from: Date, to: Date): void {
    const times = this.sentAt.get(key);
    const i = times?.lastIndexOf(from.getTime()) ?? -1;
    if (times && i >= 0) times[i] = Math.max(from.getTime(), to.getTime());
  }

  /** A send found in the table (after a restart). */
  seed(key: string, at: number): void {
    this.sentAt.set(key, [...(this.sentAt.get(key) ?? []), at]);
  }
}
