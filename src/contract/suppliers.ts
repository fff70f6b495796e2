/** One piece of a supplier's assurance evidence. */
export interface SupplierEvidenceView {
  /** `dspt`, `iso27001` or `cyber-essentials-plus`. */
  kind: string;
  label: string;
  /** yyyy-mm-dd. */
  expires: string;
  /** "10 Dec 2026". */
  expiresText: string;
  /** Days from today (negative once it has run out). */
  daysLeft: number;
  /** The DSPT status (`met`, `exceeded`, `not-met`), for the DSPT only. */
  status?: string;
  statusLabel?: string;
}

/** One supplier as the register lists it. */
export interface SupplierRowView {
  id: string;
  name: string;
  supplies: string;
  orgCodes: string[];
  /** "East Sussex Healthcare (RXC), East Sussex CC (ESCC)". */
  organisations: string;
  /** `critical`, `high`, `medium` or `low`. */
  criticality: string;
  criticalityLabel: string;
  /** yyyy-mm-dd. */
  nextReview: string;
  nextReviewText: string;
  evidence: SupplierEvidenceView[];
  /** What falls due within 30 days (or has passed), in words, soonest first. */
  dueSoon: string[];
}

/** An organisation's latest DSPT status, as its lead recorded it. */
export interface DsptStatusView {
  orgCode: string;
  orgName: string;
  /** Absent when none is recorded. */
  status?: string;
  /** "Standards met (30 Jun 2026)", or "DSPT status not recorded". */
  statusText: string;
  assessedOn?: string;
  recordedBy?: string;
}

/** `GET /api/tab/suppliers`. */
export interface SupplierListView {
  suppliers: SupplierRowView[];
  dspt: DsptStatusView[];
}

/** `GET /api/tab/suppliers/{id}`: the supplier, the open risks naming it and the open alerts mentioning it. */
export interface SupplierPageView {
  supplier: SupplierRowView & {
    incidentContact: string;
    evidenceLink?: string;
    addedBy: string;
    updatedBy: string;
    updatedAt: string;
  };
  risks: {
    id: string;
    title: string;
    orgCode: string;
    band: string;
    score: number;
    status: string;
  }[];
  alerts: { id: string; title: string; severity: string; state: string }[];
}
