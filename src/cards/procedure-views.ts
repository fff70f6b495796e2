import type { Alert } from '../domain/alerts';
import {
  describeScope,
  progressText,
  stepsText,
  type Procedure,
  type RunbookProgress,
} from '../domain/procedures';
import { formatUkDate, formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';

/** What the `procedure` form shows: the values (as typed, or as saved) and any problems. */
export interface ProcedureFormView {
  /** The procedure being edited, with its latest version; absent for a new one. */
  editing?: Pick<Procedure, 'id' | 'name' | 'version'>;
  values: { name: string; source: string; severities: string; keywords: string; steps: string };
  problems?: string[];
}

/** The form's values from a saved version. */
export const procedureFormValues = (p: Procedure): ProcedureFormView['values'] => ({
  name: p.name,
  source: p.appliesTo.source,
  severities: p.appliesTo.severities.join(','),
  keywords: p.appliesTo.keywords.join(', '),
  steps: stepsText(p.steps),
});

/** `procedure`: add a procedure, or edit one (saving makes its next version). */
export function procedureFormCard(v: ProcedureFormView): AdaptiveCard {
  return renderCard('procedures/procedure-form', {
    heading: v.editing
      ? `Edit procedure: ${v.editing.name} (version ${v.editing.version})`
      : 'New CTAC procedure',
    intro: v.editing
      ? `Saving makes version ${v.editing.version + 1}; version ${v.editing.version} and older stay as they were, and runbooks already opened keep the version they show.`
      : 'A numbered list of steps for one kind of alert. An alert’s card offers it as a runbook checklist in the alert’s thread. Links must start with https://.',
    problems: v.problems ?? [],
    ...v.values,
    saveTitle: v.editing ? `Save version ${v.editing.version + 1}` : 'Save procedure',
    saveData: { verb: 'procedure.save', procedureId: v.editing?.id ?? '' },
  });
}

const stepLine = (p: Procedure, i: number): string => {
  const step = p.steps[i]!;
  return `${i + 1}. ${step.title}${step.guidance ? `: ${step.guidance}` : ''}`;
};

/** Each procedure at its latest version; leads get an Edit button on each. */
export function procedureListCard(
  procedures: readonly Procedure[],
  opts: { canEdit: boolean; notice?: string; saved?: boolean },
): AdaptiveCard {
  return renderCard('procedures/procedure-list', {
    style: opts.saved ? 'good' : 'emphasis',
    heading: opts.notice ?? `CTAC procedures (${procedures.length})`,
    intro: procedures.length
      ? 'Open one as a checklist from an alert’s card with its Runbook button.'
      : 'No procedures yet. Leads add them with "procedure".',
    procedures: procedures.map((p) => ({
      heading: `${p.name} (version ${p.version})`,
      detail: `For ${describeScope(p.appliesTo)}. ${p.steps.length} step${p.steps.length === 1 ? '' : 's'}; saved by ${p.savedBy.name} on ${formatUkDate(p.savedAt)}.`,
      steps: opts.saved && procedures.length === 1 ? p.steps.map((_, i) => stepLine(p, i)) : [],
      canEdit: opts.canEdit,
      editData: { verb: 'command.run', command: `procedure ${p.id}` },
    })),
    footer: opts.canEdit
      ? 'Leads: every procedure as one document for the ICS cyber group is at GET /api/registers/procedures.md.'
      : '',
    buttons: opts.canEdit ? [{ title: 'Add a procedure', command: 'procedure' }] : [],
  });
}

/** A procedure just saved: the new version and its steps. */
export const procedureSavedCard = (p: Procedure, canEdit = true): AdaptiveCard =>
  procedureListCard([p], {
    canEdit,
    saved: true,
    notice: `Saved: ${p.name}, version ${p.version}`,
  });

/** What the checklist card shows a press did. */
export interface RunbookNotice {
  text: string;
  style: 'good' | 'warning' | 'accent';
}

/**
 * The runbook checklist in an alert's thread: the procedure version's steps, each with a Tick button or who
 * ticked it and when, and the progress ("4 of 9 steps").
 */
export function runbookCard(
  alert: Pick<Alert, 'id' | 'title' | 'source' | 'dedupKey'>,
  progress: RunbookProgress,
  notice?: RunbookNotice,
): AdaptiveCard {
  const p = progress.procedure;
  return renderCard('procedures/runbook', {
    heading: `Runbook: ${p.name}`,
    subheading: `For ${alert.source === 'hsa' ? `HSA ${alert.dedupKey}` : 'alert'} ${alert.id}: ${alert.title.slice(0, 120)}. Procedure version ${p.version}.`,
    progress: `${progressText(progress)} done`,
    progressColour: progress.done === progress.total ? 'Good' : 'Default',
    hasNotice: !!notice,
    notice: notice?.text ?? '',
    noticeStyle: notice?.style ?? 'default',
    steps: p.steps.map((step, i) => {
      const tick = progress.ticks.get(i + 1);
      return {
        heading: `${i + 1}. ${step.title}`,
        guidance: step.guidance,
        link: step.link ?? '',
        done: !!tick,
        doneBy: tick ? `Ticked by ${tick.by.name}, ${formatUkDateTime(tick.at)}` : '',
        tickData: {
          verb: 'runbook.tick',
          alertId: alert.id,
          procedureId: p.id,
          version: p.version,
          step: i + 1,
        },
      };
    }),
  });
}
