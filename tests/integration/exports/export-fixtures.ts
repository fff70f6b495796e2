import {
  acknowledge,
  addNote,
  raiseAlert,
  resolve,
  setRemediation,
  type Alert,
  type AlertOutcome,
} from '../../../src/domain/alerts';
import { auditEntry } from '../../../src/domain/audit/audit-entry';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { TableHsaResponseRepository } from '../../../src/store/alert-hsa-response-repository';
import { TableAuditRepository } from '../../../src/store/audit-repository';
import { TableMemberRepository } from '../../../src/store/directory-repositories';
import { TableLeaveRepository } from '../../../src/store/rota-repositories';
import type { TableStore } from '../../../src/store/tables';
import { LEAD, MEMBER, person, seedTabData } from '../../api/tab-fixtures';

/** Now, for every export test: Thursday 3 December 2026, 10:00 UK time (GMT). */
export const NOW = new Date('2026-12-03T10:00:00Z');
export const ADMIN = person(3, 'Asha Patel', 'admin');
export { LEAD, MEMBER };

const actor = (m: typeof LEAD, source: 'teams' | 'tab' = 'teams') => ({
  id: m.aadObjectId,
  name: m.name,
  source,
});
const ok = (outcome: AlertOutcome): Alert => {
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.alert;
};
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

/**
 * The tab's fixtures (an HSA raised 71 hours ago, RXC acknowledged it in 10 hours; an incident 2 hours ago;
 * risks; a decision) and, for the exports: the incident acknowledged and noted, RXC's HSA patched, an
 * alert resolved a month before, an exercise alert, and an admin change.
 */
export async function seedExportData(store: TableStore): Promise<void> {
  await seedTabData(store, NOW);
  await new TableMemberRepository(store).put(ADMIN);
  const alerts = new TableAlertRepository(store);

  const incident = (await alerts.get('A-INC1'))!;
  let alert = ok(acknowledge(incident.alert, actor(MEMBER), hoursAgo(1.5)));
  alert = ok(
    addNote(
      alert,
      '=HYPERLINK("http://evil") restored from backup',
      actor(LEAD, 'tab'),
      hoursAgo(1),
    ),
  );
  const saved = await alerts.update(alert, incident.etag);
  if (!saved.ok) throw new Error('could not update the incident');

  const responses = new TableHsaResponseRepository(store);
  const rxc = (await responses.get('A-HSA1', 'RXC'))!;
  const patched = setRemediation(rxc.response, 'patched', actor(LEAD), hoursAgo(30));
  if (!patched.ok) throw new Error(patched.message);
  await responses.save(patched.response, patched.event, rxc.etag);

  // A month before the range: raised and resolved, never in the exports below.
  const old = raiseAlert(
    { source: 'incident', dedupKey: 'OLD-1', title: 'Old phishing wave', severity: 'low' },
    { id: 'A-OLD', actor: actor(MEMBER), at: hoursAgo(24 * 30) },
  ).alert;
  await alerts.create(ok(resolve(old, 'Blocked the sender', actor(LEAD), hoursAgo(24 * 29))));

  // An exercise's alert, in the range: never evidence of a real case.
  const drill = raiseAlert(
    { source: 'incident', dedupKey: 'EX-1', title: 'Exercise: ransomware drill', severity: 'high' },
    { id: 'A-EX1', actor: actor(LEAD), at: hoursAgo(3) },
  ).alert;
  await alerts.create({ ...drill, exercise: { id: 'EXR-1', name: 'Winter drill' } });

  // Ben books leave for January on 1 December: a rota change made in the range, for later dates.
  await new TableLeaveRepository(store).add({
    id: 'L-1',
    memberId: MEMBER.aadObjectId,
    start: new Date('2027-01-04T09:00:00Z'),
    end: new Date('2027-01-08T17:00:00Z'),
    createdBy: MEMBER.aadObjectId,
    createdAt: hoursAgo(48),
    note: 'Skiing',
  });

  await new TableAuditRepository(store).add(
    auditEntry({
      id: 'AU-1',
      at: hoursAgo(20).toISOString(),
      action: 'member.changed',
      actor: actor(ADMIN),
      subject: 'Ben Okafor',
      before: 'Member of ESCC',
      after: 'Lead of ESCC',
    }),
  );
}
