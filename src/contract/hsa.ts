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
  cells: HsaComplianceCell[];
}

export interface HsaComplianceView {
  organisations: { code: string; name: string }[];
  hsas: HsaComplianceRow[];
}
