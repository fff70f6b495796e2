import type { Actor } from '../../../src/domain/shared/actor';
import { jobActor } from '../../../src/domain/shared/actor';
import { raiseAlert, type Alert, type IncomingAlert } from '../../../src/domain/alerts/alert';
import type { AlertOutcome } from '../../../src/domain/alerts/alert-outcome';

export const sam: Actor = { id: 'aad-sam', name: 'Sam Patel', source: 'teams' };
export const alex: Actor = { id: 'aad-alex', name: 'Alex Jones', source: 'tab' };
export const webhook: Actor = { id: 'api:webhook', name: 'Webhook', source: 'api' };
export const escalationJob = jobActor('escalation');

/** 09:00 GMT on a winter Saturday. */
export const RAISED_AT = new Date('2026-11-28T09:00:00Z');

export const minutes = (n: number): number => n * 60_000;
export const after = (ms: number, from: Date = RAISED_AT): Date => new Date(from.getTime() + ms);

export const incidentIn = (overrides: Partial<IncomingAlert> = {}): IncomingAlert => ({
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

export const raised = (overrides: Partial<IncomingAlert> = {}, at: Date = RAISED_AT): Alert =>
  raiseAlert(incidentIn(overrides), { id: 'alert-1', actor: webhook, at }).alert;

/** The alert of a change, failing the test if the change was refused. */
export function changed(outcome: AlertOutcome): Alert {
  if (!outcome.ok) throw new Error(`expected a change, got ${outcome.code}: ${outcome.message}`);
  return outcome.alert;
}
