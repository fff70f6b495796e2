import type { EscalationPolicy, EscalationTarget } from '../alerts/escalation-policy';

/**
 * A policy in one line for the audit log: "at once: primary; after 15 min: primary, secondary; repeated 1
 * time after 30 min". Named members are shown by the name `nameOf` gives (their id when unknown).
 */
export function describePolicy(
  policy: EscalationPolicy,
  nameOf: (memberId: string) => string = (id) => id,
): string {
  const target = (t: EscalationTarget) => (t.kind === 'member' ? nameOf(t.memberId) : t.kind);
  const steps = policy.steps.map(
    (s) =>
      `${s.delayMinutes === 0 ? 'at once' : `after ${s.delayMinutes} min`}: ${
        s.targets.map(target).join(', ') || 'nobody'
      }`,
  );
  const repeat =
    policy.repeat > 0
      ? `repeated ${policy.repeat} time${policy.repeat === 1 ? '' : 's'}${
          policy.repeatAfterMinutes !== undefined ? ` after ${policy.repeatAfterMinutes} min` : ''
        }`
      : 'not repeated';
  return steps.length ? `${steps.join('; ')}; ${repeat}` : 'the card in the channel only';
}
