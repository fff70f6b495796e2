import type { Procedures } from '../../app/procedures';
import type { Runbooks } from '../../app/runbooks';
import {
  procedureFormCard,
  procedureFormValues,
  procedureListCard,
  procedureSavedCard,
  runbookCard,
} from '../../cards/procedure-views';
import type { AdaptiveCard } from '../../cards/render';
import type { Alert } from '../../domain/alerts';
import { hasRole } from '../../domain/people/member';
import { isProcedureId, procedureIdFrom, progressText } from '../../domain/procedures';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature, CardActionHandler } from '../bot-feature';
import { cardField, cardFields } from '../card-fields';
import type { CommandSpec } from '../commands';

const GROUP = 'Procedures';
const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'procedures',
    usage: 'procedures',
    description: 'CTAC operating procedures, each at its latest version.',
    group: GROUP,
  },
  {
    name: 'procedure',
    usage: 'procedure [NAME]',
    description:
      'Leads: add a procedure, or edit one by name (saving makes a new version; old versions stay).',
    group: GROUP,
  },
];

const FIELDS = ['name', 'source', 'severities', 'keywords', 'steps'] as const;
/** Longest id anyone sends; anything longer is not an alert id. */
const MAX_ID = 128;

export interface ProceduresFeatureDeps {
  procedures: Pick<Procedures, 'save' | 'list' | 'latest' | 'forEditing'>;
  runbooks: Pick<Runbooks, 'open' | 'tick'>;
  /** The alert's card as it now stands, with a notice on top (the answer to its Runbook button). */
  alertCard(
    alert: Alert,
    notice: { text: string; style: 'good' | 'warning' },
  ): Promise<AdaptiveCard>;
  /** Posts a card in the alert's thread in the ICS cyber channel (through the outbox); false if it has none. */
  postInThread(alert: Alert, card: AdaptiveCard, summary: string): Promise<boolean>;
}

/**
 * `procedure` (leads: the form), `procedures` (the list), the alert card's Runbook button (`runbook.open`:
 * posts the checklist in the alert's thread) and the checklist's Tick buttons (`runbook.tick`).
 */
export function proceduresFeature(deps: ProceduresFeatureDeps): BotFeature {
  const save: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const values = cardFields(data, FIELDS, 12_000);
    const procedureId = cardField(data, 'procedureId', 100);
    if (procedureId && !isProcedureId(procedureId))
      throw new CtacError(
        'bad_request',
        'That form is out of date. Type "procedure" to start again.',
      );
    try {
      const saved = await deps.procedures.save(caller, {
        ...values,
        ...(procedureId ? { procedureId } : {}),
      });
      return procedureSavedCard(saved);
    } catch (e) {
      // The form comes back with what was typed and every problem listed.
      if (isCtacError(e) && e.code === 'validation') {
        const editing = procedureId ? await deps.procedures.latest(caller, procedureId) : undefined;
        return procedureFormCard({ editing, values, problems: e.problems });
      }
      throw e;
    }
  };

  const open: CardActionHandler = async (data, turn) => {
    const alertId = cardField(data, 'alertId', MAX_ID);
    // Members only: the use case checks the caller before it reads the alert.
    const { alert, progress } = await deps.runbooks.open(await turn.caller(), alertId);
    const posted = await deps.postInThread(
      alert,
      runbookCard(alert, progress),
      `Runbook: ${progress.procedure.name}`,
    );
    return deps.alertCard(
      alert,
      posted
        ? {
            text: `The ${progress.procedure.name} runbook (version ${progress.procedure.version}, ${progressText(progress)} done) is going to this alert’s thread in the ICS cyber channel.`,
            style: 'good',
          }
        : {
            text: 'This alert’s card is not in the ICS cyber channel yet, so its runbook cannot go in its thread. Try again in a minute.',
            style: 'warning',
          },
    );
  };

  const tick: CardActionHandler = async (data, turn) => {
    const alertId = cardField(data, 'alertId', MAX_ID);
    const procedureId = cardField(data, 'procedureId', 100);
    const version = Number(cardField(data, 'version', 10));
    const step = Number(cardField(data, 'step', 10));
    const caller = await turn.caller();
    if (!isProcedureId(procedureId) || !Number.isInteger(version))
      throw new CtacError(
        'bad_request',
        'That checklist is out of date. Open the runbook again from the alert’s card.',
      );
    const view = await deps.runbooks.tick(caller, alertId, procedureId, version, step);
    return runbookCard(view.alert, view.progress, view.notice);
  };

  return {
    commands: COMMANDS,
    async runCommand(name, args, turn) {
      const caller = await turn.caller();
      if (name === 'procedures')
        return procedureListCard(await deps.procedures.list(caller), {
          canEdit: hasRole(caller, 'lead'),
        });
      const existing = await deps.procedures.forEditing(caller, args ? procedureIdFrom(args) : '');
      return existing
        ? procedureFormCard({ editing: existing, values: procedureFormValues(existing) })
        : procedureFormCard({
            values: {
              name: args.slice(0, 80),
              source: 'any',
              severities: '',
              keywords: '',
              steps: '',
            },
          });
    },
    verbs: { 'procedure.save': save, 'runbook.open': open, 'runbook.tick': tick },
  };
}
