import { HsaResponses } from '../../../src/app/alerts/hsa-responses';
import { Figures } from '../../../src/app/figures';
import { composeFigures } from '../../../src/composition/figures';
import { logDecision } from '../../../src/domain/decisions';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import {
  decideEscalation,
  escalateRisk,
  raiseRisk,
  type RiskInput,
} from '../../../src/domain/risk';
import {
  HSA_RESPONSE_TABLES,
  TableHsaResponseRepository,
} from '../../../src/store/alert-hsa-response-repository';
import { DECISION_TABLE, TableDecisionRepository } from '../../../src/store/decision-repository';
import { EXERCISE_TABLE, TableExerciseRepository } from '../../../src/store/exercise-repository';
import {
  SUPPLIER_TABLES,
  TableDsptRepository,
  TableSupplierRepository,
} from '../../../src/store/supplier-repository';
import { TableOrganisationRepository } from '../../../src/store/directory-repositories';
import { RISK_TABLE, TableRiskRepository } from '../../../src/store/risk-repository';
import type { TableStore } from '../../../src/store/tables';
import { alertWorld, as, incident, people, webhookActor } from '../alerts/fixtures';

/** When the seeded figures are read: Monday 30 November 2026, noon. */
export const NOW = '2026-11-30T12:00:00.000Z';
const HOUR = 3_600_000;

export const kim: Member = {
  aadObjectId: '00000000-0000-0000-0000-000000000009',
  name: 'Kim Hughes',
  upn: 'kim@example.gov.uk',
  orgCode: 'ESCC',
  role: 'member',
  addedAt: '2026-09-01T09:00:00.000Z',
  addedBy: 'test',
};

const riskBase: RiskInput = {
  description: 'What could happen, and why.',
  orgCode: 'RXH',
  cafPrinciple: 'B2',
  owner: 'Head of IT',
  reviewDate: '2099-01-31',
};

/**
 * A quarter's worth of records (Q3 2026-27), made through the use cases and domain functions as people
 * would make them, with the figures worked out by hand in the tests:
 *   alerts    week of 5 Oct: two high (acknowledged after 10 and 30 minutes, the first resolved after 60),
 *             one low resolved after 120 minutes without acknowledgement
 *   HSAs      CC-1 (5 Oct): RXH acknowledges at 10 h and patches at 4 days; ESCC acknowledges at 50 h and
 *             mitigates at 20 days. CC-2 (2 Nov): RXH acknowledges at 1 h and patches at 10 days; ESCC is
 *             not affected (2 h). CC-3 (29 Nov): nobody yet. CC-9 (Medium): no clocks
 *   risks     R-1 (5 x 4) escalated 1 Oct 09:00, treated 30 hours later (D-1); R-2 (4 x 4) escalated
 *             29 Nov 12:00 and still waiting
 *   decisions D-1 and D-MACROS (forum, 20 Nov)
 *   registers the exercise X1 (12 Nov) and the supplier Acme Pathology (review 15 Jan, ISO 27001 expired
 *             20 Nov); X0 (September) and Later Ltd (July 2027) fall outside
 *   DSPT      RXH: standards met, assessed 30 Jun 2026, recorded by Lee; ESCC: none recorded
 */
export async function seedQuarter(
  store: TableStore,
  clock = new FakeClock('2026-10-01T09:00:00Z'),
) {
  await store.createTables([
    ...Object.values(HSA_RESPONSE_TABLES),
    RISK_TABLE,
    DECISION_TABLE,
    EXERCISE_TABLE,
    ...Object.values(SUPPLIER_TABLES),
  ]);
  const wired: { responses?: HsaResponses } = {};
  const w = await alertWorld(store, { clock, followUpHsa: (a, o) => wired.responses!.follow(a, o) });
  const orgs = new TableOrganisationRepository(store);
  for (const [code, name] of [
    ['RXH', 'University Hospitals Sussex'],
    ['ESCC', 'East Sussex County Council'],
  ])
    await orgs.create({
      code,
      name,
      isOes: false,
      createdAt: '2026-09-01T09:00:00Z',
      createdBy: 'test',
    });
  await w.members.put(kim);
  const hsaRepository = new TableHsaResponseRepository(store);
  const responses = new HsaResponses({
    alerts: w.alerts,
    responses: hsaRepository,
    organisations: orgs,
    members: w.members,
    directory: w.directory,
    notifier: w.notifier,
    clock,
  });
  wired.responses = responses;
  const at = (iso: string, hours = 0) => clock.set(new Date(Date.parse(iso) + hours * HOUR));

  // Risks first: R-1 is escalated on 1 October.
  const risks = new TableRiskRepository(store);
  const decisions = new TableDecisionRepository(store);
  const actor = { id: people.sam.aadObjectId, name: people.sam.name, source: 'teams' as const };
  const lead = { id: people.lee.aadObjectId, name: people.lee.name, source: 'tab' as const };
  const escalated = (id: string, title: string, likelihood: number, consequence: number) => {
    const raised = raiseRisk(
      { ...riskBase, title, likelihood, consequence },
      { id, actor, at: clock.now() },
    ).risk;
    return raised.status === 'escalated'
      ? raised
      : escalateRisk(raised, { note: `Please decide on ${title}` }, { actor, at: clock.now() })
          .risk;
  };
  at('2026-10-01T09:00:00Z');
  const r1 = escalated('R-1', 'Unsupported VPN appliance', 5, 4);
  await risks.create(r1);
  at('2026-10-01T09:00:00Z', 30);
  const decided = decideEscalation(
    r1,
    { choice: 'treat', rationale: 'Replace the appliance this quarter' },
    { actor: lead, at: clock.now(), role: 'lead', decisionId: 'D-1' },
  );
  const stored = (await risks.get('R-1'))!;
  await risks.update(decided.risk, stored.etag);
  await decisions.create(decided.decision);

  // Alerts in the week of 5 October.
  at('2026-10-05T09:00:00Z');
  const ingest = async (dedupKey: string, severity: 'high' | 'low') =>
    (await w.service.ingest(incident({ dedupKey, severity }), webhookActor)).alert;
  const a1 = await ingest('MSP-1', 'high');
  const a2 = await ingest('MSP-2', 'high');
  const a3 = await ingest('MSP-3', 'low');
  at('2026-10-05T09:10:00Z');
  await w.service.acknowledge(as(people.sam), a1.id);
  at('2026-10-05T09:30:00Z');
  await w.service.acknowledge(as(people.alex), a2.id);
  at('2026-10-05T10:00:00Z');
  await w.service.resolve(as(people.sam), a1.id, 'Host rebuilt');
  at('2026-10-05T11:00:00Z');
  await w.service.resolve(as(people.sam), a3.id, 'False positive');

  // HSAs.
  const hsa = async (
    dedupKey: string,
    publishedAt: string,
    severity: 'High' | 'Medium' = 'High',
  ) => {
    at(publishedAt);
    return (
      await w.service.ingest(
        { source: 'hsa', dedupKey, title: `HSA ${dedupKey}`, severity, publishedAt },
        webhookActor,
      )
    ).alert;
  };
  const sam = as(people.sam);
  const asKim = as(kim);
  const cc1 = await hsa('CC-1', '2026-10-05T09:00:00.000Z');
  at(cc1.publishedAt, 10);
  await responses.respond(sam, cc1.id, { kind: 'acknowledge' });
  at(cc1.publishedAt, 50);
  await responses.respond(asKim, cc1.id, { kind: 'acknowledge' });
  at(cc1.publishedAt, 96);
  await responses.respond(sam, cc1.id, { kind: 'remediation', value: 'patched' });
  at(cc1.publishedAt, 480);
  await responses.respond(asKim, cc1.id, { kind: 'remediation', value: 'mitigated' });

  const cc2 = await hsa('CC-2', '2026-11-02T09:00:00.000Z');
  at(cc2.publishedAt, 1);
  await responses.respond(sam, cc2.id, { kind: 'acknowledge' });
  at(cc2.publishedAt, 2);
  await responses.respond(asKim, cc2.id, { kind: 'applicability', value: 'not affected' });
  at(cc2.publishedAt, 240);
  await responses.respond(sam, cc2.id, { kind: 'remediation', value: 'patched' });

  at('2026-11-20T10:00:00Z');
  await decisions.create(
    logDecision(
      {
        text: 'Block Office macros from the internet',
        rationale: 'Most phishing payloads use them',
        decidedBy: 'forum',
        outcome: 'approved',
        decidedOn: '2026-11-20',
      },
      { id: 'D-MACROS', actor, at: clock.now() },
    ),
  );

  await hsa('CC-3', '2026-11-29T09:00:00.000Z');
  await hsa('CC-9', '2026-11-29T09:30:00.000Z', 'Medium');
  at('2026-11-29T12:00:00Z');
  await risks.create(escalated('R-2', 'Shared admin accounts', 4, 4));

  // An exercise held on 12 November; one of September (Q2) is left out.
  const exercises = new TableExerciseRepository(store);
  const exercise = (id: string, name: string, startedAt: string, endedAt: string) => ({
    id,
    name,
    lead: { id: people.lee.aadObjectId, name: people.lee.name },
    participants: [
      { id: people.sam.aadObjectId, name: people.sam.name },
      { id: people.alex.aadObjectId, name: people.alex.name },
    ],
    participantsOnly: true,
    scenario: [],
    injected: [1, 2, 3],
    startedAt,
    endedAt,
    outcome: 'Paging worked; the runbook needs a step for the backups',
  });
  await exercises.create(
    exercise('X1', 'Ransomware tabletop', '2026-11-12T10:00:00.000Z', '2026-11-12T12:00:00.000Z'),
  );
  await exercises.create(
    exercise('X0', 'Phishing drill', '2026-09-10T10:00:00.000Z', '2026-09-10T11:00:00.000Z'),
  );
  // A supplier whose review falls due in January and whose ISO 27001 expired in November; one due in 2027's summer.
  const suppliers = new TableSupplierRepository(store);
  const supplier = (id: string, name: string, nextReview: string, iso: string) => ({
    id,
    name,
    supplies: 'Pathology LIMS, hosted',
    orgCodes: ['RXH'],
    criticality: 'critical' as const,
    incidentContact: 'Service desk 01234 567890',
    evidence: [{ kind: 'iso27001' as const, expires: iso }],
    nextReview,
    addedAt: '2026-09-01T09:00:00.000Z',
    addedBy: { id: people.lee.aadObjectId, name: people.lee.name },
    updatedAt: '2026-09-01T09:00:00.000Z',
    updatedBy: { id: people.lee.aadObjectId, name: people.lee.name },
  });
  await suppliers.create(supplier('acme-pathology', 'Acme Pathology', '2027-01-15', '2026-11-20'));
  await suppliers.create(supplier('later-ltd', 'Later Ltd', '2027-07-01', '2027-08-01'));

  // RXH's lead records its DSPT status; ESCC records none.
  await new TableDsptRepository(store).record({
    orgCode: 'RXH',
    status: 'met',
    assessedOn: '2026-06-30',
    recordedAt: '2026-11-20T10:00:00.000Z',
    recordedBy: { id: people.lee.aadObjectId, name: people.lee.name },
  });

  at(NOW);
  const figures: Figures = composeFigures(
    { store, clock },
    { directory: w.directory },
    {
      repository: w.alerts,
    },
  );
  return { ...w, figures, responses, lead: people.lee };
}
