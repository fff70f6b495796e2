import { alertFormCard } from '../../cards/alert-form-card';
import { noticeCard } from '../../cards/views';
import { dedupKeyOf, HSA_ID } from '../../domain/alerts';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature } from '../bot-feature';
import type { CommandSpec } from '../commands';
import { alertCardActions } from './alert-card-actions';
import { alertsContext, MAX_ID, type AlertsFeatureDeps } from './alerts-context';

export type { AlertActions, AlertsFeatureDeps } from './alerts-context';

const GROUP = 'Alerts';
const COMMANDS: readonly CommandSpec[] = [
  { name: 'alerts', usage: 'alerts', description: 'Open alerts, newest first.', group: GROUP },
  {
    name: 'ack',
    usage: 'ack ALERT-ID',
    description: 'Acknowledge an alert (its CTAC id, or an HSA id such as CC-4719).',
    group: GROUP,
  },
  {
    name: 'resolve',
    usage: 'resolve ALERT-ID NOTE',
    description: 'Resolve an alert with a note saying what was done.',
    group: GROUP,
  },
  {
    name: 'incident',
    usage: 'incident TITLE',
    description: 'Raise an incident: a form, then an alert card in the ICS cyber channel.',
    group: GROUP,
  },
  {
    name: 'hsa',
    usage: 'hsa CC-4719',
    description:
      'Show an NHS England High Severity Alert, or post it if CTAC does not have it yet.',
    group: GROUP,
  },
];

/** Alerts in Teams: the commands, and the alert card's buttons (alert-card-actions.ts). */
export function alertsFeature(deps: AlertsFeatureDeps): BotFeature {
  const ctx = alertsContext(deps);
  const { caller, render, answer, listCard } = ctx;

  return {
    commands: COMMANDS,
    verbs: alertCardActions(ctx),
    async runCommand(name, args, turn) {
      switch (name) {
        case 'alerts':
          return listCard(turn);
        case 'ack': {
          const who = await caller(turn);
          const alert = await deps.alerts.findNamed(who, args);
          return answer(await deps.alerts.acknowledge(who, alert.id));
        }
        case 'resolve': {
          const who = await caller(turn);
          const [id = '', ...rest] = args.split(' ');
          const alert = await deps.alerts.findNamed(who, id);
          const note = rest.join(' ').trim();
          if (!note)
            throw new CtacError(
              'validation',
              `Say how it was resolved, for example "resolve ${alert.id} patched all servers".`,
            );
          return answer(await deps.alerts.resolve(who, alert.id, note));
        }
        case 'incident': {
          deps.directory.require(await turn.caller(), 'member', 'raise incidents');
          return alertFormCard({
            source: 'incident',
            formId: deps.ids.next(),
            values: { title: args.slice(0, 200) },
          });
        }
        case 'hsa': {
          const who = await caller(turn);
          deps.directory.require(who.member, 'member', 'see HSAs');
          const id = dedupKeyOf('hsa', args);
          if (id.length > MAX_ID || !HSA_ID.test(id))
            throw new CtacError(
              'validation',
              'Give the HSA id NHS England uses, for example "hsa CC-4719".',
            );
          const found = await deps.lookup.findByDedupKey('hsa', id);
          if (found) return render(found.alert);
          let problems: string[] = [];
          if (deps.fetchHsa)
            try {
              // Ingesting it posts its card to the channel, as the poller would have.
              return render((await deps.fetchHsa(id)).alert);
            } catch (e) {
              if (!isCtacError(e) || e.code !== 'not_found') throw e;
              problems = [e.message];
            }
          return alertFormCard({ source: 'hsa', formId: deps.ids.next(), hsaId: id, problems });
        }
        default:
          return noticeCard('Unknown alerts command', '', 'warning');
      }
    },
  };
}
