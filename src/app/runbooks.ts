import type { Alert } from '../domain/alerts';
import type { Member } from '../domain/people/member';
import {
  procedureForAlert,
  progressText,
  runbookProgress,
  tickRunbookStep,
  type RunbookProgress,
} from '../domain/procedures';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { AlertRepository } from './alerts/ports';
import type { Directory } from './directory';
import type { ProcedureRepository } from './procedures';

export interface RunbooksDeps {
  directory: Pick<Directory, 'require'>;
  procedures: Pick<ProcedureRepository, 'get' | 'latest' | 'listLatest'>;
  alerts: Pick<AlertRepository, 'get' | 'update'>;
  clock: Clock;
  /** The alert's card in the channel, re-rendered after a tick (its history lists ticks). */
  refreshCard?(alert: Alert): Promise<void>;
}

/** A runbook as its checklist card shows it, and what the last press did. */
export interface RunbookView {
  alert: Alert;
  progress: RunbookProgress;
  notice?: { text: string; style: 'good' | 'warning' | 'accent' };
}

/** How many times a tick is tried again when others change the alert at the same moment. */
const TICK_ATTEMPTS = 12;

/**
 * An alert's runbook: the procedure that fits it, as a checklist whose ticks are `runbook.step` events on
 * the alert's timeline. Members only, decided from the caller's Entra id through the directory.
 */
export class Runbooks {
  constructor(private readonly deps: RunbooksDeps) {}

  /**
   * The runbook for an alert: the latest version of `procedureId` when given, else of the procedure that
   * fits the alert. A `not_found` CtacError says when no procedure fits.
   */
  async open(
    actor: Member | undefined,
    alertId: string,
    procedureId?: string,
  ): Promise<RunbookView> {
    this.deps.directory.require(actor, 'member', 'use runbooks');
    const alert = await this.alert(alertId);
    const procedure = procedureId
      ? await this.deps.procedures.latest(procedureId)
      : procedureForAlert(alert, await this.deps.procedures.listLatest());
    if (!procedure)
      throw new CtacError(
        'not_found',
        procedureId
          ? 'That procedure no longer exists. Type "procedures" to see them.'
          : 'No CTAC procedure fits this alert yet. A lead can add one with "procedure".',
      );
    return { alert, progress: runbookProgress(alert, procedure) };
  }

  /**
   * Ticks a step of the runbook a checklist card shows (procedure id and version from the card). Two people
   * ticking at once are both recorded: a lost race re-reads the alert and ticks again. A forged or stale
   * card (no such procedure version or step) changes nothing and says so.
   */
  async tick(
    actor: Member | undefined,
    alertId: string,
    procedureId: string,
    version: number,
    step: number,
  ): Promise<RunbookView> {
    const member = this.deps.directory.require(actor, 'member', 'tick runbook steps');
    const procedure = await this.deps.procedures.get(procedureId, version);
    if (!procedure)
      throw new CtacError(
        'not_found',
        'That checklist is out of date: its procedure version no longer exists. Open the runbook again from the alert’s card.',
      );
    const who = { id: member.aadObjectId, name: member.name, source: 'teams' as const };
    for (let attempt = 0; attempt < TICK_ATTEMPTS; attempt++) {
      const stored = await this.deps.alerts.get(alertId);
      if (!stored) throw unknownAlert();
      const outcome = tickRunbookStep(stored.alert, procedure, step, who, this.deps.clock.now());
      if (!outcome.ok) {
        const progress = runbookProgress(stored.alert, procedure);
        return {
          alert: stored.alert,
          progress,
          notice: { text: outcome.message, style: 'warning' },
        };
      }
      if ('already' in outcome) {
        const progress = runbookProgress(stored.alert, procedure);
        const by = outcome.already.by.id === member.aadObjectId ? 'You' : outcome.already.by.name;
        return {
          alert: stored.alert,
          progress,
          notice: { text: `${by} had already ticked step ${step}.`, style: 'accent' },
        };
      }
      const saved = await this.deps.alerts.update(outcome.change.alert, stored.etag);
      if (!saved.ok) continue;
      const alert = saved.value.alert;
      await this.deps.refreshCard?.(alert).catch(() => undefined);
      const progress = runbookProgress(alert, procedure);
      return {
        alert,
        progress,
        notice: { text: `Step ${step} ticked: ${progressText(progress)} done.`, style: 'good' },
      };
    }
    throw new CtacError(
      'conflict',
      'Others changed this alert at the same moment. Please tick the step again.',
    );
  }

  private async alert(alertId: string): Promise<Alert> {
    const stored = await this.deps.alerts.get(alertId);
    if (!stored) throw unknownAlert();
    return stored.alert;
  }
}

const unknownAlert = () =>
  new CtacError('not_found', 'That alert no longer exists. Type "alerts" to see the open ones.');
