import type { EscalationView } from '../../contract/escalations';
import { CAF_PRINCIPLES, bandLabel, type Risk } from '../../domain/risk';
import { formatUkDateTime } from '../../domain/shared/time';
import type { OrgNames } from './org-names';

/** Risks waiting for the ICS cyber group, oldest escalation first. */
export function escalationQueue(risks: readonly Risk[], orgs: OrgNames): EscalationView[] {
  return risks
    .filter((r) => r.status === 'escalated')
    .map((r): EscalationView => {
      const at = r.escalation?.at ?? r.updatedAt;
      return {
        id: r.id,
        title: r.title,
        description: r.description,
        orgCode: r.orgCode,
        orgName: orgs[r.orgCode] ?? r.orgCode,
        cafPrinciple: `${r.cafPrinciple} ${CAF_PRINCIPLES[r.cafPrinciple]}`,
        score: r.score,
        band: bandLabel(r.band),
        owner: r.owner,
        reason:
          r.escalation?.reason === 'above-appetite'
            ? 'Above the risk appetite'
            : 'Escalated by hand',
        ...(r.escalation?.note && { note: r.escalation.note }),
        escalatedAt: at,
        escalatedAtUk: formatUkDateTime(at),
        escalatedBy: r.escalation?.by.name ?? r.raisedBy.name,
        ...(r.infoRequest && { infoRequest: r.infoRequest.text }),
      };
    })
    .sort((a, b) => a.escalatedAt.localeCompare(b.escalatedAt) || a.id.localeCompare(b.id));
}
