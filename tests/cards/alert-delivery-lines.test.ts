import { alertCard } from '../../src/cards/alerts';
import {
  escalateDue,
  raiseAlert,
  recordPageOutcome,
  recordPaged,
  type Alert,
  type EscalationPolicy,
} from '../../src/domain/alerts';
import { jobActor } from '../../src/domain/shared/actor';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

/* The alert card's delivery lines (issue 16): shown under "Pages", and the card stays under Teams' 28 KB
 * with many people paged under the longest names. */

const at = new Date('2026-11-28T09:00:00Z');
const job = jobActor('escalation');
const policy: EscalationPolicy = {
  name: 'One step',
  steps: [{ delayMinutes: 0, targets: [{ kind: 'leads' }] }],
  repeat: 0,
};

function paged(
  people: { id: string; name: string }[],
  outcome: (i: number) => boolean | undefined,
) {
  const raised = raiseAlert(
    {
      source: 'incident',
      dedupKey: 'MSP-1',
      title: 'Ransomware on a file server',
      severity: 'high',
    },
    { id: 'A1', actor: { id: 'api:webhook', name: 'Webhook', source: 'api' }, at },
  ).alert;
  const fired = escalateDue(raised, policy, at, job);
  if (!fired.ok) throw new Error(fired.message);
  const seq = fired.alert.timeline.length - 1;
  let alert: Alert = recordPaged(
    fired.alert,
    { stepIndex: 0, escalationSeq: seq, recipients: people },
    job,
    at,
  ).alert;
  people.forEach((p, i) => {
    const delivered = outcome(i);
    if (delivered === undefined) return;
    alert =
      recordPageOutcome(
        alert,
        { escalationSeq: seq, person: p, channel: 'teams' },
        delivered ? { kind: 'delivered' } : { kind: 'failed', reason: 'not-in-team' },
        job,
        new Date(at.getTime() + 3 * 60_000),
      )?.alert ?? alert;
  });
  return alert;
}

test('when two people are paged, then the card shows a line for each under Pages', () => {
  const card = alertCard(
    paged(
      [
        { id: 'aad-asha', name: 'Asha Patel' },
        { id: 'aad-ben', name: 'Ben Cole' },
      ],
      (i) => i === 0,
    ),
  );
  expect(validateCard(card)).toEqual([]);
  const text = cardText(card);
  expect(text).toContain('Pages');
  expect(text).toContain('Paged Asha Patel: Teams 09:03');
  expect(text).toContain('Could not reach Ben Cole: not in the team');
  expect(text).toContain('paging Asha Patel, Ben Cole');
  expect(text).not.toMatch(/paged Asha/);
});

test('when sixty people with the longest names are paged, then the card summarises them and stays under 28 KB', () => {
  const people = Array.from({ length: 60 }, (_, i) => ({
    id: `aad-${i}`,
    name: `${'Bartholomew-Montgomery '.repeat(4)}${i}`.slice(0, 120),
  }));
  const card = alertCard(paged(people, (i) => (i % 3 === 0 ? undefined : i % 3 === 1)));
  expect(validateCard(card)).toEqual([]);
  expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThan(28 * 1024);
  const text = cardText(card);
  expect(text).toContain('Paged 20 people: ');
  expect(text).toContain('Paging 20 people: ');
  expect(text).toContain('Could not reach 20 people: ');
  // Long names: fewer listed, and the rest counted.
  expect(text).toMatch(/ and 1\d more\n/);
});
