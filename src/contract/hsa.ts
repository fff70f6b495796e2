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
