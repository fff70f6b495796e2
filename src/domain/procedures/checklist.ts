import type { Alert } from '../alerts/alert';
import { appendEvent, type AlertChange } from '../alerts/alert-outcome';
import type { RunbookStepEvent } from '../alerts/timeline';
import type { Actor } from '../shared/actor';
import type { Procedure } from './procedure';

/** Who ticked a step of an alert's runbook, and when (ISO 8601). */
export interface RunbookTick {
  step: number;
  by: Actor;
  at: string;
}

/** An alert's runbook: one version of a procedure, and the steps ticked on the alert's timeline. */
export interface RunbookProgress {
  procedure: Procedure;
  /** By step number (1-based); the first tick of a step counts. */
  ticks: ReadonlyMap<number, RunbookTick>;
  done: number;
  total: number;
}

/** The steps of this procedure version ticked on the alert's timeline. */
export function runbookProgress(
  alert: Pick<Alert, 'timeline'>,
  procedure: Procedure,
): RunbookProgress {
  const ticks = new Map<number, RunbookTick>();
  for (const event of alert.timeline)
    if (isTickOf(event, procedure) && !ticks.has(event.step))
      ticks.set(event.step, { step: event.step, by: event.actor, at: event.at });
  return { procedure, ticks, done: ticks.size, total: procedure.steps.length };
}

const isTickOf = (
  event: Alert['timeline'][number],
  procedure: Procedure,
): event is RunbookStepEvent =>
  event.kind === 'runbook.step' &&
  event.procedureId === procedure.id &&
  event.version === procedure.version &&
  event.step >= 1 &&
  event.step <= procedure.steps.length;

/** "4 of 9 steps". */
export const progressText = (p: Pick<RunbookProgress, 'done' | 'total'>): string =>
  `${p.done} of ${p.total} step${p.total === 1 ? '' : 's'}`;

/** A tick: recorded now, already recorded by someone (not an error), or refused with the reason. */
export type RunbookTickOutcome =
  | { ok: true; change: AlertChange }
  | { ok: true; already: RunbookTick }
  | { ok: false; message: string };

/**
 * Ticks step `step` (1-based, as the card numbers them) of this procedure version on the alert's timeline: a
 * `runbook.step` event with who and when. A step someone already ticked stays theirs; a step the version
 * does not have (a forged or stale card) is refused.
 */
export function tickRunbookStep(
  alert: Alert,
  procedure: Procedure,
  step: number,
  actor: Actor,
  at: Date,
): RunbookTickOutcome {
  if (!Number.isInteger(step) || step < 1 || step > procedure.steps.length)
    return {
      ok: false,
      message: `${procedure.name} (version ${procedure.version}) has no step ${Number.isFinite(step) ? step : '?'}. Open the runbook again from the alert’s card.`,
    };
  const already = runbookProgress(alert, procedure).ticks.get(step);
  if (already) return { ok: true, already };
  return {
    ok: true,
    change: appendEvent(
      alert,
      {},
      {
        kind: 'runbook.step',
        procedureId: procedure.id,
        procedureName: procedure.name,
        version: procedure.version,
        step,
        stepTitle: procedure.steps[step - 1]!.title,
      },
      actor,
      at,
    ),
  };
}
