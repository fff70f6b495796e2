import type { AlertNotifier, OnCallSource } from '../../../src/app/alerts/ports';
import { AlertEscalation } from '../../../src/app/alerts/alert-escalation';
import { AlertService } from '../../../src/app/alerts/alert-service';
import { Directory } from '../../../src/app/directory';
import type { Alert, IncomingAlert, OnCallLayers } from '../../../src/domain/alerts';
import type { Member } from '../../../src/domain/people/member';
import type { Actor } from '../../../src/domain/shared/actor';
import { FakeClock } from '../../../src/domain/shared/clock';
import type { IdGenerator } from '../../../src/domain/shared/ids';
import {
  ALERT_ESCALATION_TABLES,
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
} from '../../../src/store/alert-escalation-store';
import { ALERT_TABLES } from '../../../src/store/alert-rows';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import type { TableStore } from '../../../src/store/tables';

/** What the Teams side was asked to do, in order: our own port, recorded (Teams itself is the other half's). */
export class RecordingNotifier implements AlertNotifier {
  readonly calls: {
    kind: 'post' | 'refresh' | 'page' | 'reply' | 'message';
    alertId: string;
    to?: string;
    text?: string;
  }[] = [];
  async postToChannel(alert: Alert) {
    this.calls.push({ kind: 'post', alertId: alert.id });
  }
  async refreshCard(alert: Alert) {
    this.calls.push({ kind: 'refresh', alertId: alert.id });
  }
  async page(memberAadObjectId: string, alert: Alert) {
    this.calls.push({ kind: 'page', alertId: alert.id, to: memberAadObjectId });
  }
  async messageMember(memberAadObjectId: string, text: string) {
    this.calls.push({ kind: 'message', alertId: '', to: memberAadObjectId, text });
  }
  async replyInThread(alert: Alert, text: string) {
    this.calls.push({ kind: 'reply', alertId: alert.id, text });
  }
  of(kind: RecordingNotifier['calls'][number]['kind']) {
    return this.calls.filter((c) => c.kind === kind);
  }
  pagedTo(): string[] {
    return this.of('page').map((c) => c.to ?? '');
  }
}

/**
 * Who is on call, layer by layer, as a test sets it: the use cases' port. The rota's own source is
 * tested against Azurite in tests/integration/rota/rota-on-call-source.test.ts.
 */
export class FixedOnCallSource implements OnCallSource {
  constructor(public layers: OnCallLayers) {}
  async onCallNow(): Promise<OnCallLayers> {
    return this.layers;
  }
}

let worlds = 0;
/** A1, A2, ... with a prefix per world, so worlds sharing one Azurite never reuse an id. */
export const sequentialIds = (prefix = `W${++worlds}A`): IdGenerator => {
  let n = 0;
  return { next: () => `${prefix}${++n}` };
};

const member = (n: number, name: string, role: Member['role']): Member => ({
  aadObjectId: `00000000-0000-0000-0000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0].toLowerCase()}@example.nhs.uk`,
  orgCode: 'RXH',
  role,
  addedAt: '2026-11-01T09:00:00.000Z',
  addedBy: 'test',
});

export const people = {
  sam: member(1, 'Sam Patel', 'member'),
  alex: member(2, 'Alex Jones', 'member'),
  lee: member(3, 'Lee Evans', 'lead'),
  ada: member(4, 'Ada Okafor', 'admin'),
};

/** The alert worlds' rota: Sam is primary, Alex secondary. */
export const samThenAlex = (): OnCallLayers => ({
  primary: [people.sam.aadObjectId],
  secondary: [people.alex.aadObjectId],
});

export const webhookActor: Actor = { id: 'api:webhook', name: 'Alert webhook', source: 'api' };

export const incident = (overrides: Partial<IncomingAlert> = {}): IncomingAlert => ({
  source: 'incident',
  dedupKey: 'MSP-1001',
  title: 'Ransomware detected on a file server',
  severity: 'high',
  summary: 'EDR isolated the host.',
  url: 'https://msp.example.com/incidents/1001',
  cves: ['CVE-2026-1234'],
  organisations: ['RXH'],
  ...overrides,
});

export const alertTableNames = [
  ...Object.values(ALERT_TABLES),
  ...Object.values(ALERT_ESCALATION_TABLES),
];

/** The alert use cases wired to Azurite, a fake clock and a recording notifier. */
export async function alertWorld(
  store: TableStore,
  opts: { clock?: FakeClock; followUpHsa?: (alert: Alert, opts?: { raised?: boolean }) => Promise<void> } = {},
) {
  await store.createTables(alertTableNames);
  const clock = opts.clock ?? new FakeClock('2026-11-28T09:00:00Z');
  const notifier = new RecordingNotifier();
  const members = new TableMemberRepository(store);
  for (const m of Object.values(people)) await members.put(m);
  const directory = new Directory(new TableOrganisationRepository(store), members, clock, []);
  const alerts = new TableAlertRepository(store);
  const timers = new TableEscalationTimerStore(store);
  const policies = new TableEscalationPolicyStore(store);
  const onCall = new FixedOnCallSource(samThenAlex());
  const escalation = new AlertEscalation({ alerts, notifier, timers, policies, onCall, members });
  const service = new AlertService({
    alerts,
    notifier,
    directory,
    escalation,
    clock,
    ids: sequentialIds(),
    ...(opts.followUpHsa && { followUpHsa: opts.followUpHsa }),
  });
  return {
    clock,
    notifier,
    members,
    directory,
    alerts,
    timers,
    policies,
    onCall,
    escalation,
    service,
  };
}

export const as = (m: Member | undefined) => ({ member: m, source: 'teams' as const });
