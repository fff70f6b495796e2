import { logDecision } from '../../src/domain/decisions';
import {
  acknowledgeHsa,
  newHsaResponse,
  raiseAlert,
  setApplicability,
} from '../../src/domain/alerts';
import type { Member } from '../../src/domain/people/member';
import { escalateRisk, raiseRisk, type RiskInput } from '../../src/domain/risk';
import type { TableStore } from '../../src/store/tables';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableHsaResponseRepository } from '../../src/store/alert-hsa-response-repository';
import { TableDecisionRepository } from '../../src/store/decision-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import { TableRiskRepository } from '../../src/store/risk-repository';

/** People and data the tab's tests share: two organisations, a lead, a member, risks, decisions, alerts. */
export const person = (n: number, name: string, role: Member['role'], orgCode = 'RXC'): Member => ({
  aadObjectId: `0000000${n}-0000-4000-8000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@example.nhs.uk`,
  orgCode,
  role,
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'test',
});
export const LEAD = person(1, 'Siân Ó Ceallaigh', 'lead');
export const MEMBER = person(2, 'Ben Okafor', 'member', 'ESCC');
/** Has a valid token but is not in CTAC. */
export const STRANGER = person(9, 'Nobody Known', 'member');

const base: RiskInput = {
  description: 'What could happen, and why.',
  orgCode: 'RXC',
  cafPrinciple: 'B2',
  likelihood: 4,
  consequence: 4,
  owner: 'Head of IT',
  reviewDate: '2099-01-31',
};

export async function seedTabData(store: TableStore, now = new Date()): Promise<void> {
  const members = new TableMemberRepository(store);
  await members.put(LEAD);
  await members.put(MEMBER);
  const orgs = new TableOrganisationRepository(store);
  for (const [code, name] of [
    ['RXC', 'East Sussex Healthcare NHS Trust'],
    ['ESCC', 'East Sussex County Council'],
  ])
    await orgs.create({ code, name, isOes: true, createdAt: '', createdBy: '' });

  const actor = { id: MEMBER.aadObjectId, name: MEMBER.name, source: 'teams' as const };
  const risks = new TableRiskRepository(store);
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const escalated = async (id: string, title: string, raisedHoursAgo: number, extra: RiskInput) => {
    const raised = raiseRisk(
      { ...base, title, ...extra },
      { id, actor, at: hoursAgo(raisedHoursAgo) },
    );
    // A high enough score goes to the ICS cyber group by itself (above the default appetite).
    const risk =
      raised.risk.status === 'escalated'
        ? raised.risk
        : escalateRisk(
            raised.risk,
            { note: `Please decide on ${title}` },
            { actor, at: hoursAgo(raisedHoursAgo - 1) },
          ).risk;
    await risks.create(risk);
  };
  // Escalated newest first on purpose: the queue must put the oldest first.
  await escalated('R-NEW', 'Unsupported VPN appliance', 5, {
    orgCode: 'ESCC',
    cafPrinciple: 'B4',
    likelihood: 2,
    consequence: 3,
  });
  await escalated('R-OLD', 'Shared admin accounts', 50, { likelihood: 5, consequence: 5 });
  await risks.create(
    raiseRisk(
      {
        ...base,
        title: 'Phishing training lapsed',
        cafPrinciple: 'B6',
        likelihood: 1,
        consequence: 2,
      },
      { id: 'R-LOW', actor, at: hoursAgo(10) },
    ).risk,
  );

  const decisions = new TableDecisionRepository(store);
  await decisions.create(
    logDecision(
      {
        text: 'Block Office macros from the internet',
        rationale: 'Most phishing payloads use them',
        decidedBy: 'forum',
        outcome: 'approved',
        decidedOn: '2026-11-20',
      },
      { id: 'D-MACROS', actor, at: hoursAgo(48) },
    ),
  );

  const alerts = new TableAlertRepository(store);
  await alerts.create(
    raiseAlert(
      {
        source: 'hsa',
        dedupKey: 'CC-4719',
        title: 'Critical vulnerability in a VPN appliance',
        severity: 'High',
        organisations: ['RXC', 'ESCC'],
        publishedAt: hoursAgo(72).toISOString(),
      },
      { id: 'A-HSA1', actor, at: hoursAgo(71) },
    ).alert,
  );
  // Followed up with the organisations as it was raised (as AlertService does for an HSA with clocks).
  const responses = new TableHsaResponseRepository(store);
  await responses.follow({ alertId: 'A-HSA1', since: hoursAgo(71).toISOString() });
  // RXC acknowledged the HSA 10 hours after publication and says it is affected; ESCC has said nothing.
  const rxcActor = { id: LEAD.aadObjectId, name: LEAD.name, source: 'teams' as const };
  const acked = acknowledgeHsa(newHsaResponse('A-HSA1', 'RXC'), rxcActor, hoursAgo(62));
  if (!acked.ok) throw new Error(acked.message);
  const first = await responses.save(acked.response, acked.event, undefined);
  if (!first.ok) throw new Error('could not save the HSA response');
  const affected = setApplicability(acked.response, 'affected', rxcActor, hoursAgo(61));
  if (!affected.ok) throw new Error(affected.message);
  await responses.save(affected.response, affected.event, first.value.etag);

  await alerts.create(
    raiseAlert(
      {
        source: 'incident',
        dedupKey: 'MSP-17',
        title: 'Ransomware note on a file server',
        severity: 'high',
      },
      { id: 'A-INC1', actor, at: hoursAgo(2) },
    ).alert,
  );
}
