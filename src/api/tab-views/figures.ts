import type { QuarterFigures } from '../../app/figures';
import type { FiguresView } from '../../contract/figures';
import { previousQuarter } from '../../domain/figures';
import { DSPT_LABELS } from '../../domain/suppliers';
import { formatUkDate, formatUkDateTime } from '../../domain/shared/time';

// A calendar date is the same day everywhere in the UK: noon UTC keeps it so whatever the clocks do.
const ukDay = (calendarDate: string): string => formatUkDate(`${calendarDate}T12:00:00Z`);

/** The quarter's figures as the tab and the board pack show them. */
export function figuresView(figures: QuarterFigures): FiguresView {
  const { quarter, alerts, hsa, risks } = figures;
  return {
    quarter: {
      id: quarter.id,
      label: quarter.label,
      firstDayUk: ukDay(quarter.firstDay),
      lastDayUk: ukDay(quarter.lastDay),
      previous: previousQuarter(quarter).id,
    },
    madeAtUk: formatUkDateTime(figures.madeAt),
    organisations: figures.organisations,
    alerts: { weeks: alerts.weeks, byWeek: alerts.byWeek, bySeverity: alerts.bySeverity },
    hsa: {
      byOrganisation: hsa.byOrganisation,
      byHsa: hsa.byHsa.map((h) => ({
        alertId: h.alertId,
        dedupKey: h.dedupKey,
        title: h.title,
        publishedUk: formatUkDateTime(h.publishedAt),
        states: h.states,
      })),
    },
    risks: {
      heatMap: risks.heatMap,
      topRisks: risks.topRisks,
      escalations: risks.escalations.map((e) => ({
        riskId: e.riskId,
        title: e.title,
        orgCode: e.orgCode,
        escalatedUk: formatUkDateTime(e.escalatedAt),
        reason: e.reason,
        ...(e.decision && {
          decision: e.decision.label,
          decidedBy: e.decision.by,
          decidedUk: formatUkDateTime(e.decision.at),
        }),
        waitedHours: e.waitedHours,
        waiting: e.waiting,
      })),
      ...(risks.medianHoursToDecision !== undefined && {
        medianHoursToDecision: risks.medianHoursToDecision,
      }),
      decisions: risks.decisions.map((d) => ({
        id: d.id,
        decidedOnUk: ukDay(d.decidedOn),
        text: d.text,
        decidedBy: d.decidedBy,
        outcome: d.outcome,
      })),
      decisionsInQuarter: risks.decisionsInQuarter,
    },
    ...(figures.exercises && {
      exercises: figures.exercises.map((e) => ({
        name: e.name,
        lead: e.lead,
        startedUk: formatUkDateTime(e.startedAt),
        ...(e.endedAt && { endedUk: formatUkDateTime(e.endedAt) }),
        participants: e.participants,
        alertsInjected: e.alertsInjected,
        ...(e.outcome && { outcome: e.outcome }),
      })),
    }),
    ...(figures.suppliersDue && {
      suppliersDue: figures.suppliersDue.map((d) => ({
        name: d.name,
        criticality: d.criticality,
        organisations: d.organisations,
        what: d.what,
        dueUk: ukDay(d.due),
        overdue: d.overdue,
      })),
    }),
    ...(figures.dspt && {
      dspt: figures.dspt.map(({ code, name, record }) => ({
        orgCode: code,
        orgName: name,
        status: record ? DSPT_LABELS[record.status] : 'Not recorded',
        ...(record && {
          assessedOnUk: ukDay(record.assessedOn),
          recordedBy: record.recordedBy.name,
        }),
      })),
    }),
  };
}
