import type { RiskRegisterView, RiskRowView } from '../../contract/risks';
import {
  CAF_PRINCIPLES,
  ESCALATION_CHOICE_LABELS,
  RISK_STATUS_LABELS,
  bandLabel,
  isCafPrinciple,
  isRiskStatus,
  type Risk,
  type RiskStatus,
} from '../../domain/risk';
import type { Organisation } from '../../domain/people/organisation';
import { formatUkDate, formatUkDateTime } from '../../domain/shared/time';
import { untrustedText } from '../../domain/shared/untrusted';
import { orgNames } from './org-names';

/** The risk register's filters, from the query string; anything unknown is ignored. */
export interface RiskFilter {
  org?: string;
  caf?: string;
  band?: string;
  status?: RiskStatus;
}

export function parseRiskFilter(query: Record<string, unknown>): RiskFilter {
  const org = untrustedText(query['org'], 12).toUpperCase();
  const caf = untrustedText(query['caf'], 3).toUpperCase();
  const band = untrustedText(query['band'], 40).toLowerCase();
  const status = untrustedText(query['status'], 20).toLowerCase();
  return {
    ...(org && { org }),
    ...(isCafPrinciple(caf) && { caf }),
    ...(band && { band }),
    ...(isRiskStatus(status) && { status }),
  };
}

export function riskRegisterView(
  risks: readonly Risk[],
  filter: RiskFilter,
  orgs: readonly Organisation[],
): RiskRegisterView {
  const names = orgNames(orgs);
  const matching = risks.filter(
    (r) =>
      (!filter.org || r.orgCode === filter.org) &&
      (!filter.caf || r.cafPrinciple === filter.caf) &&
      (!filter.band || r.band.toLowerCase() === filter.band) &&
      (!filter.status || r.status === filter.status),
  );
  const counts = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
  for (const r of matching) counts[r.likelihood - 1]![r.consequence - 1]! += 1;
  return {
    risks: matching
      .map((r): RiskRowView => ({
        id: r.id,
        title: r.title,
        orgCode: r.orgCode,
        orgName: names[r.orgCode] ?? r.orgCode,
        cafPrinciple: `${r.cafPrinciple} ${CAF_PRINCIPLES[r.cafPrinciple]}`,
        likelihood: r.likelihood,
        consequence: r.consequence,
        score: r.score,
        band: bandLabel(r.band),
        status: r.status,
        statusLabel: RISK_STATUS_LABELS[r.status],
        owner: r.owner,
        reviewDate: formatUkDate(`${r.reviewDate}T12:00:00Z`),
        ...(r.lastDecision && {
          lastDecision: `${ESCALATION_CHOICE_LABELS[r.lastDecision.choice]} (${r.lastDecision.by.name}, ${formatUkDateTime(r.lastDecision.at)})`,
        }),
      }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)),
    heatMap: { counts, total: matching.length },
    organisations: orgs.map((o) => ({ code: o.code, name: o.name })),
    bands: [...new Set(risks.map((r) => bandLabel(r.band)))],
  };
}
