import { DateTime } from 'luxon';
import type { Exercise } from '../exercises/exercise';
import { CRITICALITY_LABELS, EVIDENCE_LABELS, type Supplier } from '../suppliers/supplier';
import { UK_ZONE } from '../shared/time';
import { inQuarter, type Quarter } from './quarter';

/** An exercise CTAC started in the quarter. */
export interface ExerciseFigure {
  id: string;
  name: string;
  lead: string;
  startedAt: string;
  endedAt?: string;
  participants: number;
  /** Scenario lines injected as alerts. */
  alertsInjected: number;
  outcome?: string;
}

/** The exercises started in the quarter (UK time), oldest first. */
export function exercisesHeld(quarter: Quarter, exercises: readonly Exercise[]): ExerciseFigure[] {
  return exercises
    .filter((e) => inQuarter(quarter, e.startedAt))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((e) => ({
      id: e.id,
      name: e.name,
      lead: e.lead.name,
      startedAt: e.startedAt,
      ...(e.endedAt && { endedAt: e.endedAt }),
      participants: e.participants.length,
      alertsInjected: e.injected.length,
      ...(e.outcome && { outcome: e.outcome }),
    }));
}

/** A supplier review or assurance expiry falling due. */
export interface SupplierDue {
  supplierId: string;
  name: string;
  criticality: string;
  organisations: string[];
  /** "Review" or the evidence ("ISO 27001 assurance"). */
  what: string;
  /** YYYY-MM-DD. */
  due: string;
  /** Due before the day the figures are read. */
  overdue: boolean;
}

/**
 * Supplier reviews and assurance expiries due by the end of the quarter after this one (so the board sees
 * what falls due before its next pack), overdue ones included, soonest first.
 */
export function suppliersDue(
  quarter: Quarter,
  suppliers: readonly Supplier[],
  now: Date,
): SupplierDue[] {
  const until =
    DateTime.fromISO(quarter.lastDay, { zone: UK_ZONE })
      .plus({ months: 3 })
      .endOf('month')
      .toISODate() ?? '';
  const today = DateTime.fromJSDate(now, { zone: UK_ZONE }).toISODate() ?? '';
  const due: SupplierDue[] = [];
  for (const s of suppliers) {
    const base = {
      supplierId: s.id,
      name: s.name,
      criticality: CRITICALITY_LABELS[s.criticality],
      organisations: s.orgCodes,
    };
    const add = (what: string, date: string) => {
      if (date <= until) due.push({ ...base, what, due: date, overdue: date < today });
    };
    add('Review', s.nextReview);
    for (const e of s.evidence) add(`${EVIDENCE_LABELS[e.kind]} assurance expires`, e.expires);
  }
  return due.sort((a, b) => a.due.localeCompare(b.due) || a.name.localeCompare(b.name));
}
