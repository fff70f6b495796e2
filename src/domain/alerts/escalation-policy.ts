import { CtacError } from '../shared/errors';
import type { Alert } from './alert';
import { cleanLine } from '../shared/clean-text';
import type { SeverityRank } from './severity';

/** Who a step pages: the primary or secondary on call, a named member, every lead, or the whole channel. */
export type EscalationTarget =
  | { kind: 'primary' }
  | { kind: 'secondary' }
  | { kind: 'member'; memberId: string }
  | { kind: 'leads' }
  | { kind: 'channel' };

export type EscalationTargetKind = EscalationTarget['kind'];
export const ESCALATION_TARGET_KINDS: readonly EscalationTargetKind[] = [
  'primary',
  'secondary',
  'member',
  'leads',
  'channel',
];

/** One step: after `delayMinutes` (from raising for the first step, else from the previous step), page `targets`. */
export interface EscalationStep {
  delayMinutes: number;
  targets: EscalationTarget[];
}

/**
 * Ordered steps, run once and then `repeat` more times while nobody acknowledges. A policy with no
 * steps never pages: the card in the channel is the only notice.
 */
export interface EscalationPolicy {
  name: string;
  steps: EscalationStep[];
  repeat: number;
  /**
   * On a repeat, minutes from the last step to the first step again. Without it the first step's own
   * delay is used, which for a first step of 0 minutes means "at once".
   */
  repeatAfterMinutes?: number;
}

export const MAX_STEPS = 10;
export const MAX_TARGETS_PER_STEP = 10;
export const MAX_DELAY_MINUTES = 24 * 60;
export const MAX_REPEAT = 5;
export const MAX_POLICY_NAME = 80;

const primary: EscalationTarget = { kind: 'primary' };
const secondary: EscalationTarget = { kind: 'secondary' };
const leads: EscalationTarget = { kind: 'leads' };
const channel: EscalationTarget = { kind: 'channel' };

/** The policy each severity rank starts with; admins may replace them. */
export const defaultPolicies: Readonly<Record<SeverityRank, EscalationPolicy>> = {
  critical: {
    name: 'Critical: page at once, widen every 5 minutes',
    steps: [
      { delayMinutes: 0, targets: [primary] },
      { delayMinutes: 5, targets: [primary, secondary] },
      { delayMinutes: 5, targets: [leads] },
      { delayMinutes: 5, targets: [channel] },
    ],
    repeat: 2,
    repeatAfterMinutes: 10,
  },
  high: {
    name: 'High: page at once, widen every 15 minutes',
    steps: [
      { delayMinutes: 0, targets: [primary] },
      { delayMinutes: 15, targets: [primary, secondary] },
      { delayMinutes: 15, targets: [leads] },
    ],
    repeat: 1,
    repeatAfterMinutes: 30,
  },
  medium: {
    name: 'Medium: page the primary, the secondary after an hour',
    steps: [
      { delayMinutes: 0, targets: [primary] },
      { delayMinutes: 60, targets: [secondary] },
    ],
    repeat: 0,
  },
  // Low alerts (NHS England's are for information) wait for the channel an hour before paging anyone.
  low: {
    name: 'Low: card in the channel, the primary after an hour',
    steps: [{ delayMinutes: 60, targets: [primary] }],
    repeat: 0,
  },
  information: { name: 'Information: card in the channel only', steps: [], repeat: 0 },
};

/** The policy for a severity rank, from the admins' set or else the default. */
export const policyFor = (
  rank: SeverityRank,
  policies: Partial<Record<SeverityRank, EscalationPolicy>> = {},
): EscalationPolicy => policies[rank] ?? defaultPolicies[rank];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const targetKey = (target: EscalationTarget): string =>
  target.kind === 'member' ? `member:${target.memberId}` : target.kind;

/**
 * Checks a policy an admin sent (from the tab, say) and returns it tidied, or throws a `validation`
 * CtacError listing every problem at once.
 */
export function normalisePolicy(input: unknown): EscalationPolicy {
  const problems: string[] = [];
  if (!isRecord(input))
    throw new CtacError('validation', 'Please check the escalation policy.', [
      'The policy is missing.',
    ]);
  const name = typeof input.name === 'string' ? cleanLine(input.name) : '';
  if (!name) problems.push('Give the policy a name.');
  else if (name.length > MAX_POLICY_NAME)
    problems.push(`The name must be at most ${MAX_POLICY_NAME} characters.`);

  const repeat = input.repeat === undefined ? 0 : input.repeat;
  if (!isWholeNumber(repeat, 0, MAX_REPEAT))
    problems.push(`Repeat must be a whole number from 0 to ${MAX_REPEAT}.`);

  const repeatAfter = input.repeatAfterMinutes;
  if (repeatAfter !== undefined && !isWholeNumber(repeatAfter, 0, MAX_DELAY_MINUTES))
    problems.push(
      `Repeat after must be a whole number of minutes from 0 to ${MAX_DELAY_MINUTES.toLocaleString('en-GB')} (24 hours).`,
    );

  const steps: EscalationStep[] = [];
  if (!Array.isArray(input.steps))
    problems.push('The policy needs a list of steps (it may be empty).');
  else if (input.steps.length > MAX_STEPS)
    problems.push(`A policy can have at most ${MAX_STEPS} steps.`);
  else
    input.steps.forEach((rawStep, i) => {
      const label = `Step ${i + 1}`;
      if (!isRecord(rawStep)) {
        problems.push(`${label}: is not a step.`);
        return;
      }
      const delay = rawStep.delayMinutes;
      const delayOk = isWholeNumber(delay, 0, MAX_DELAY_MINUTES);
      if (!delayOk)
        problems.push(
          `${label}: the delay must be a whole number of minutes from 0 to ${MAX_DELAY_MINUTES.toLocaleString('en-GB')} (24 hours).`,
        );
      const targets: EscalationTarget[] = [];
      const rawTargets = rawStep.targets;
      if (!Array.isArray(rawTargets) || rawTargets.length === 0)
        problems.push(`${label}: choose at least one person or group to page.`);
      else if (rawTargets.length > MAX_TARGETS_PER_STEP)
        problems.push(`${label}: can page at most ${MAX_TARGETS_PER_STEP} targets.`);
      else
        rawTargets.forEach((rawTarget, j) => {
          const target = normaliseTarget(rawTarget);
          if (typeof target === 'string') problems.push(`${label}, target ${j + 1}: ${target}`);
          else if (targets.some((t) => targetKey(t) === targetKey(target)))
            problems.push(`${label}, target ${j + 1}: is listed twice.`);
          else targets.push(target);
        });
      steps.push({ delayMinutes: delayOk ? delay : 0, targets });
    });

  if (Array.isArray(input.steps) && isWholeNumber(repeat, 1, MAX_REPEAT)) {
    const loopMinutes =
      steps.slice(1).reduce((sum, s) => sum + s.delayMinutes, 0) +
      (typeof repeatAfter === 'number' ? repeatAfter : (steps[0]?.delayMinutes ?? 0));
    if (input.steps.length === 0) problems.push('A policy with no steps cannot repeat.');
    else if (loopMinutes === 0)
      problems.push(
        'A policy that repeats needs a delay somewhere in its steps, or every repeat pages at once.',
      );
  }
  if (problems.length)
    throw new CtacError('validation', 'Please check the escalation policy.', problems);
  const policy: EscalationPolicy = { name, steps, repeat: repeat as number };
  if (typeof repeatAfter === 'number') policy.repeatAfterMinutes = repeatAfter;
  return policy;
}

/** A target, or what is wrong with it. */
function normaliseTarget(raw: unknown): EscalationTarget | string {
  if (
    !isRecord(raw) ||
    typeof raw.kind !== 'string' ||
    !(ESCALATION_TARGET_KINDS as readonly string[]).includes(raw.kind)
  )
    return 'must be the primary, the secondary, a member, the leads or the channel.';
  const kind = raw.kind as EscalationTargetKind;
  if (kind !== 'member') return { kind };
  const memberId = typeof raw.memberId === 'string' ? raw.memberId.trim().toLowerCase() : '';
  if (!memberId || memberId.length > 64) return 'choose which member to page.';
  return { kind, memberId };
}

/** The next step to fire for an alert, and whether its time has come. */
export interface DueEscalation {
  dueAt: Date;
  /** Index into `policy.steps`. */
  stepIndex: number;
  /** 0 for the first pass, 1 for the first repeat, ... */
  round: number;
  targets: EscalationTarget[];
  /** `now` is at or after `dueAt`. */
  isDue: boolean;
}

/** Total number of step firings a policy allows: its steps, once plus `repeat` times. */
export const totalFirings = (policy: EscalationPolicy): number =>
  policy.steps.length * (policy.repeat + 1);

/**
 * When the next escalation step fires, or 'done' when nothing more will: the alert is acknowledged,
 * resolved or snoozed, the policy has no steps, or every step of every repeat has fired. Repeats
 * loop back to the first step, due `repeatAfterMinutes` (else the first step's delay) after the last
 * step of the previous round.
 */
export function nextEscalation(
  policy: EscalationPolicy,
  alert: Pick<Alert, 'state' | 'escalation'>,
  now: Date,
): DueEscalation | 'done' {
  if (alert.state !== 'triggered') return 'done';
  const fired = alert.escalation.stepsFired;
  if (policy.steps.length === 0 || fired >= totalFirings(policy)) return 'done';
  const stepIndex = fired % policy.steps.length;
  const round = Math.floor(fired / policy.steps.length);
  const step = policy.steps[stepIndex];
  const delayMinutes =
    stepIndex === 0 && round > 0
      ? (policy.repeatAfterMinutes ?? step.delayMinutes)
      : step.delayMinutes;
  const dueAt = new Date(Date.parse(alert.escalation.clockFrom) + delayMinutes * 60_000);
  return {
    dueAt,
    stepIndex,
    round,
    targets: step.targets,
    isDue: now.getTime() >= dueAt.getTime(),
  };
}
