import type { HsaComplianceCell, HsaComplianceRow, HsaComplianceView } from '../../contract/hsa';
import type { AlertSummary } from '../../domain/alerts';
import {
  acknowledgedInTime,
  newHsaResponse,
  overdueItems,
  type HsaResponse,
} from '../../domain/alerts/hsa-response';
import type { Organisation } from '../../domain/people/organisation';
import { formatUkDateTime } from '../../domain/shared/time';

/**
 * Each HSA some organisation has not finished against each organisation, and the finished ones
 * (`history`, in the order given). A response nobody has recorded counts as not acknowledged,
 * applicability unknown, remediation not started, so a silent organisation shows as overdue.
 */
export function hsaComplianceView(
  hsas: readonly AlertSummary[],
  orgs: readonly Organisation[],
  responses: readonly HsaResponse[],
  now: Date,
  history: readonly AlertSummary[] = [],
): HsaComplianceView {
  const byKey = new Map(responses.map((r) => [`${r.alertId}|${r.orgCode}`, r]));
  const row = (hsa: AlertSummary): HsaComplianceRow => ({
    alertId: hsa.id,
    hsaId: hsa.dedupKey,
    title: hsa.title,
    severity: hsa.severity,
    publishedAtUk: formatUkDateTime(hsa.publishedAt),
    resolved: hsa.state === 'resolved',
    cells: orgs.map((org): HsaComplianceCell => {
      const response = byKey.get(`${hsa.id}|${org.code}`) ?? newHsaResponse(hsa.id, org.code);
      const ackAt = response.acknowledgedAt;
      return {
        orgCode: org.code,
        acknowledged: !!ackAt,
        acknowledgedInTime: acknowledgedInTime(response, hsa),
        ...(ackAt && { acknowledgedAtUk: formatUkDateTime(ackAt) }),
        applicability: response.applicability,
        remediation: response.remediation,
        overdue: overdueItems(response, hsa, now).map((item) => item.message),
      };
    }),
  });
  return {
    organisations: orgs.map((o) => ({ code: o.code, name: o.name })),
    hsas: hsas
      .filter((a) => a.source === 'hsa')
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))
      .map(row),
    history: history.filter((a) => a.source === 'hsa').map(row),
  };
}
