import { DateTime } from 'luxon';

import { UK_ZONE } from '../shared/time';
import type { Risk } from './risk';

/**
 * Why the leads are reminded of an escalated risk still waiting for their decision: the reminder time
 * after the escalation has passed, or it is the risk's review date.
 */
export type RiskReminderKind = 'undecided' | 'review-date';

/** One reminder owed to the leads about one risk; the risk, the kind and `dueAt` name it for good. */
export interface DueRiskReminder {
  riskId: string;
  kind: RiskReminderKind;
  /** When it fell due (ISO 8601): with the kind, what keeps it from being sent twice. */
  dueAt: string;
}

export interface RiskReminderRules {
  /** Hours after an escalation before the leads are reminded of it (RISK_DECISION_REMINDER_HOURS). */
  reminderHours: number;
}

/** The hour of the review date (UK time) at which a review-date reminder falls due. */
export const REVIEW_REMINDER_HOUR = 9;

/**
 * The reminders due at `now` for the risks given: for each risk still escalated (undecided), one once
 * `reminderHours` have passed since it was escalated, and one at 09:00 (UK time) on its review date
 * when that comes after the escalation. A risk escalated again, or given a new review date, owes new
 * reminders (a new due time); the caller records each one sent, so each goes once whatever `now` is.
 */
export function dueRiskReminders(
  risks: readonly Risk[],
  now: Date,
  rules: RiskReminderRules,
): DueRiskReminder[] {
  const due: DueRiskReminder[] = [];
  for (const risk of risks) {
    if (risk.status !== 'escalated' || !risk.escalation) continue;
    const escalatedAt = Date.parse(risk.escalation.at);
    const undecidedAt = escalatedAt + rules.reminderHours * 3_600_000;
    if (undecidedAt <= now.getTime())
      due.push({ riskId: risk.id, kind: 'undecided', dueAt: new Date(undecidedAt).toISOString() });
    const reviewAt = reviewReminderAt(risk.reviewDate);
    if (reviewAt !== undefined && reviewAt > escalatedAt && reviewAt <= now.getTime())
      due.push({ riskId: risk.id, kind: 'review-date', dueAt: new Date(reviewAt).toISOString() });
  }
  return due;
}

/** 09:00 UK time on a review date, in ms; undefined for a date that cannot be read. */
function reviewReminderAt(reviewDate: string): number | undefined {
  const day = DateTime.fromISO(reviewDate, { zone: UK_ZONE });
  if (!day.isValid) return undefined;
  return day.set({ hour: REVIEW_REMINDER_HOUR, minute: 0, second: 0, millisecond: 0 }).toMillis();
}
