import type { HsaResponse } from '../domain/alerts/hsa-response';

/** One organisation's standing on one HSA. */
export interface HsaComplianceCell {
  orgCode: string;
  acknowledged: boolean;
  /** True when acknowledged within 48 hours of publication. */
  acknowledgedInTime: boolean;
  acknowledgedAtUk?: string;
  applicability: HsaResponse['applicability'];
  remediation: HsaResponse['remediation'];
  overdue: string[];
}

export interface HsaComplianceRow {
  alertId: string;
  hsaId: string;
  title: string;
  severity: string;
  publishedAtUk: string;
  /** The channel alert is resolved (triage done); the organisations' responses go on regardless. */
  resolved: boolean;
  cells: HsaComplianceCell[];
}

export interface HsaComplianceView {
  organisations: { code: string; name: string }[];
  /** Every HSA some organisation has not finished (patched, mitigated or not affected), open or resolved. */
  hsas: HsaComplianceRow[];
  /** The latest HSAs every organisation has finished, newest first. */
  history: HsaComplianceRow[];
}

/** The caller's own organisation's response to one HSA, as the tab's "HSA responses" view shows it. */
export interface OwnHsaResponseView {
  acknowledged: boolean;
  acknowledgedAtUk?: string;
  acknowledgedBy?: string;
  applicability: HsaResponse['applicability'];
  remediation: HsaResponse['remediation'];
  lastUpdateAtUk?: string;
  lastUpdateBy?: string;
  lastNote?: string;
  /** Deadlines (UK time); none on an alert below High that a lead asked about. */
  acknowledgeByUk?: string;
  nextUpdateByUk?: string;
  patchByUk?: string;
  overdue: string[];
  /** Patched, mitigated or not affected: CTAC reminds the organisation no more. */
  finished: boolean;
}

/** One HSA the caller's organisation is asked to respond to, with its response. */
export interface OwnHsaRow {
  alertId: string;
  hsaId: string;
  title: string;
  severity: string;
  publishedAtUk: string;
  /** The channel alert is resolved (triage done); the response goes on regardless. */
  resolved: boolean;
  /** High: the 48-hour, 3-day and 14-day clocks run. Below High a lead asked, with no clocks. */
  clocks: boolean;
  response: OwnHsaResponseView;
}

/** `GET /api/tab/hsa/mine`: the HSAs the caller's organisation has still to finish, and those it has. */
export interface OwnHsaView {
  orgCode: string;
  orgName: string;
  /** Newest publication first. */
  outstanding: OwnHsaRow[];
  /** Those still on the board first (newest first), then the board's history. */
  finished: OwnHsaRow[];
}

/**
 * `POST /api/tab/hsa/{alertId}/response`: the HSA card's response form. Each field may be left out;
 * `nochange` (or left out) keeps applicability or remediation as it is; a form that asks for nothing
 * acknowledges the HSA. The organisation is always the caller's own, from the directory.
 */
export interface HsaResponseRequest {
  applicability?: HsaResponse['applicability'] | 'nochange';
  remediation?: HsaResponse['remediation'] | 'nochange';
  /** An update in the organisation's words, at most 2,000 characters. */
  note?: string;
}

/** What `POST /api/tab/hsa/{alertId}/response` answers. */
export interface HsaResponseRecorded {
  alertId: string;
  orgCode: string;
  /** Changes the form asked for that were refused (empty when everything asked for is recorded). */
  refusals: string[];
  /** The response as it now stands (left out only if the organisation is no longer in the directory). */
  response?: OwnHsaResponseView;
}
