import { DateTime } from 'luxon';
import type { CalendarDate } from '../risk/calendar-date';
import { EVIDENCE_LABELS, type EvidenceKind, type Supplier } from './supplier';

/** Something about a supplier that falls due: its next review, or one piece of evidence running out. */
export interface SupplierDueItem {
  supplierId: string;
  supplierName: string;
  what: 'review' | EvidenceKind;
  due: CalendarDate;
}

/** How many days before a due date the leads are told: once at 30 days, once at 7. */
export const SUPPLIER_REMINDER_WINDOWS = [30, 7] as const;
export type SupplierReminderWindow = (typeof SUPPLIER_REMINDER_WINDOWS)[number];

/** A reminder to send: the item, and which window it falls in. */
export interface DueSupplierReminder extends SupplierDueItem {
  window: SupplierReminderWindow;
  /** Days from today to the due date (0: today). */
  daysLeft: number;
}

/** Whole days from `from` to `to` (negative when `to` has passed). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number =>
  Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days);

/** The review and each piece of evidence, with its date. */
export const dueItemsOf = (supplier: Supplier): SupplierDueItem[] => [
  {
    supplierId: supplier.id,
    supplierName: supplier.name,
    what: 'review',
    due: supplier.nextReview,
  },
  ...supplier.evidence.map((e) => ({
    supplierId: supplier.id,
    supplierName: supplier.name,
    what: e.kind,
    due: e.expires,
  })),
];

/** What falls due within `days` of today (already past included), soonest first. */
export function dueWithin(
  suppliers: readonly Supplier[],
  today: CalendarDate,
  days: number,
): SupplierDueItem[] {
  return suppliers
    .flatMap(dueItemsOf)
    .filter((item) => daysBetween(today, item.due) <= days)
    .sort((a, b) => a.due.localeCompare(b.due) || a.supplierName.localeCompare(b.supplierName));
}

/**
 * The reminders due today: an item 8 to 30 days away is in the 30-day window, one 0 to 7 days away in the
 * 7-day window. Each (item, due date, window) is sent once (the caller records it), so a day's passes, a
 * restart or a second instance send nothing more; a new due date gives new reminders. Something found
 * only 5 days before its date gets just the 7-day reminder, and nothing already past is reminded.
 */
export function dueSupplierReminders(
  suppliers: readonly Supplier[],
  today: CalendarDate,
): DueSupplierReminder[] {
  const due: DueSupplierReminder[] = [];
  for (const item of suppliers.flatMap(dueItemsOf)) {
    const daysLeft = daysBetween(today, item.due);
    if (daysLeft < 0 || daysLeft > 30) continue;
    due.push({ ...item, window: daysLeft <= 7 ? 7 : 30, daysLeft });
  }
  return due;
}

/** "the review", "the ISO 27001 certificate": what falls due, in words. */
export const dueWhat = (what: SupplierDueItem['what']): string =>
  what === 'review' ? 'review' : `${EVIDENCE_LABELS[what]} assurance`;

/** "in 30 days", "tomorrow", "today", "3 days ago". */
export const whenText = (daysLeft: number): string =>
  daysLeft === 0
    ? 'today'
    : daysLeft === 1
      ? 'tomorrow'
      : daysLeft > 0
        ? `in ${daysLeft} days`
        : daysLeft === -1
          ? 'yesterday'
          : `${-daysLeft} days ago`;
