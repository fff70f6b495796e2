import type {
  AlertWeekSeverityFigures,
  HsaOrganisationState,
  OrganisationHsaFigures,
  ResponseTimes,
  RiskHeatMap,
  TopRisk,
} from '../domain/figures';
import type { SeverityRank } from '../domain/alerts/severity';

/**
 * The figures of one quarter of the NHS financial year, as the tab's Figures view and the board pack
 * show them (`GET /api/tab/figures?quarter=2026-Q3`). Dates are already written for UK readers.
 */
export interface FiguresView {
  quarter: {
    /** `2026-Q3`. */
    id: string;
    /** "Q3 2026-27". */
    label: string;
    /** "1 Oct 2026". */
    firstDayUk: string;
    /** "31 Dec 2026". */
    lastDayUk: string;
    /** The quarter before, for moving back (`2026-Q2`). */
    previous: string;
  };
  /** When the figures were worked out: "30 Nov 2026, 12:00". */
  madeAtUk: string;
  organisations: { code: string; name: string }[];
  alerts: {
    weeks: { weekOf: string; isoWeek: string; weekLabel: string }[];
    /** Each week and severity with any alert acknowledged or resolved, oldest week first. */
    byWeek: AlertWeekSeverityFigures[];
    bySeverity: (ResponseTimes & { severity: SeverityRank })[];
  };
  hsa: {
    byOrganisation: OrganisationHsaFigures[];
    byHsa: {
      alertId: string;
      dedupKey: string;
      title: string;
      publishedUk: string;
      states: { orgCode: string; state: HsaOrganisationState; overdue: boolean }[];
    }[];
  };
  risks: {
    heatMap: RiskHeatMap;
    topRisks: TopRisk[];
    escalations: {
      riskId: string;
      title: string;
      orgCode: string;
      escalatedUk: string;
      reason: string;
      /** "Treat", or unset while it waits. */
      decision?: string;
      decidedBy?: string;
      decidedUk?: string;
      waitedHours: number;
      waiting: boolean;
    }[];
    medianHoursToDecision?: number;
    /**
     * The decisions logged in the quarter, oldest first: on the tab (`/api/tab/figures`) the newest 100 of
     * them, in the board pack every one.
     */
    decisions: {
      id: string;
      decidedOnUk: string;
      text: string;
      decidedBy: string;
      outcome: string;
    }[];
    /** How many decisions were logged in the quarter: more than `decisions` holds when the tab lists the newest only. */
    decisionsInQuarter: number;
  };
  /** Absent when the exercise register is not there. */
  exercises?: {
    name: string;
    lead: string;
    startedUk: string;
    endedUk?: string;
    participants: number;
    alertsInjected: number;
    outcome?: string;
  }[];
  /** Absent when the supplier register is not there. */
  suppliersDue?: {
    name: string;
    criticality: string;
    organisations: string[];
    what: string;
    dueUk: string;
    overdue: boolean;
  }[];
  /** Each organisation's latest DSPT status; absent when the DSPT register is not there. */
  dspt?: {
    orgCode: string;
    orgName: string;
    /** "Standards met", "Standards exceeded", "Standards not met" or "Not recorded". */
    status: string;
    /** "31 Mar 2026"; unset when not recorded. */
    assessedOnUk?: string;
    recordedBy?: string;
  }[];
}

/** Severity as the figures write it (the tab and the board pack). */
export const SEVERITY_LABELS: Readonly<Record<SeverityRank, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  information: 'Information',
};
