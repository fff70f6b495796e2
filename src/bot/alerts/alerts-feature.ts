import type { Logger } from 'pino';
import type { AlertService } from '../../app/alerts/alert-service';
import type { HsaResponses } from '../../app/alerts/hsa-responses';
import type { AlertRepository } from '../../app/alerts/ports';
import type { Directory } from '../../app/directory';
import {
  alertCard,
  alertFormCard,
  alertListCard,
  SNOOZE_CHOICES,
  type AlertCardContext,
  type HsaResponseView,
} from '../../cards/alerts';
import type { AdaptiveCard } from '../../cards/render';
import { noticeCard } from '../../cards/views';
import {
  chatAlertOrigin,
  dedupKeyOf,
  HSA_ID,
  incomingAlertFromChat,
  type Alert,
  type AlertOutcome,
  type AlertSource,
} from '../../domain/alerts';
import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { BotFeature, BotTurn, CardActionHandler } from '../bot-feature';
import { cardField, cardFields } from '../card-fields';
import type { CommandSpec } from '../commands';

/** What the alerts feature asks of the alert use cases (src/app/alerts/alert-service.ts). */
export type AlertActions = Pick<
  AlertService,
  'get' | 'listOpen' | 'acknowledge' | 'resolve' | 'snooze' | 'escalateNow' | 'addNote' | 'ingest'
>;

export interface AlertsFeatureDeps {
  alerts: AlertActions;
  /** Reads beside the use cases: an alert by its sender's id, the card's location hint, an HSA's card. */
  lookup: Pick<AlertRepository, 'get' | 'findByDedupKey' | 'suggestLocation'>;
  directory: Pick<Directory, 'require'>;
  /** Names of the people on call now, primary first. */
  onCallNames(): Promise<string[]>;
  /** For HSA cards: each organisation's response, and a member setting their own organisation's. */
  hsa?: {
    lines(alertId: string): Promise<HsaResponseView[]>;
    respondWithForm: HsaResponses['respondWithForm'];
  };
  /** Brings in one HSA from the NHS cyber alerts API now (when NHS_CYBER_ALERTS_URL is set). */
  fetchHsa?(hsaId: string): Promise<{ alert: Alert }>;
  /** A storm digest card as it stands (src/bot/alerts/teams-alert-notifier.ts). */
  digestCard?(
    digestId: string,
    notice?: AlertCardContext['notice'],
  ): Promise<AdaptiveCard | undefined>;
  clock: Clock;
  ids: IdGenerator;
  logger: Pick<Logger, 'warn' | 'error'>;
}

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

/** Longest id anyone types; anything longer is not an alert id. */
const MAX_ID = 128;

/**
 * Alerts in Teams: the commands, and the alert card's buttons. Every button answers with the alert's
 * card as it now stands (the use case also updates the channel message for everyone); a refusal
 * (already acknowledged, not allowed now, not a member) changes nothing and is shown on top.
 */
export function alertsFeature(deps: AlertsFeatureDeps): BotFeature {
  const caller = async (turn: BotTurn) => ({
    member: await turn.caller(),
    source: 'teams' as const,
  });

  // Who is on call (the app remembers it); a card is still shown when that cannot be found.
  const onCallNames = (): Promise<string[]> => deps.onCallNames().catch(() => [] as string[]);

  const render = async (alert: Alert, notice?: AlertCardContext['notice']) =>
    alertCard(alert, {
      onCall: await onCallNames(),
      responses: alert.source === 'hsa' && deps.hsa ? await deps.hsa.lines(alert.id) : undefined,
      notice,
    });

  /** An alert by CTAC id, or by HSA id (CC-4719) or an incident sender's id. */
  const find = async (member: Member | undefined, typed: string): Promise<Alert> => {
    const id = typed.trim();
    if (!id) throw new CtacError('validation', 'Say which alert, for example "ack A7K3Q9XM".');
    if (id.length > MAX_ID) throw new CtacError('validation', 'That is not an alert id.');
    const byId = await deps.alerts.get({ member, source: 'teams' }, id.toUpperCase());
    if (byId) return byId;
    for (const source of ['hsa', 'incident'] as AlertSource[]) {
      const found = await deps.lookup.findByDedupKey(source, dedupKeyOf(source, id));
      if (found) return found.alert;
    }
    throw new CtacError(
      'not_found',
      `There is no alert "${id.slice(0, 40)}". Type "alerts" to see the open ones.`,
    );
  };

  /** The card after a button: the alert as it now is, with any refusal on top. */
  const answer = (outcome: AlertOutcome) =>
    render(outcome.alert, outcome.ok ? undefined : { text: outcome.message, style: 'warning' });

  /**
   * Runs a card action. Someone the use case refuses (not a member, not allowed) gets only the reason,
   * never the alert (issue 17): the use case checks the caller before it reads anything.
   */
  const onCard =
    (
      run: (data: Record<string, unknown>, turn: BotTurn, alertId: string) => Promise<AlertOutcome>,
    ): CardActionHandler =>
    async (data, turn) => {
      const alertId = cardField(data, 'alertId', MAX_ID);
      hintLocation(alertId, data);
      const outcome = await run(data, turn, alertId);
      if (data['from'] === 'list') return listCard(turn, outcome);
      const digestId = cardField(data, 'digestId', 200);
      if (data['from'] === 'digest' && digestId && deps.digestCard) {
        const digest = await deps.digestCard(digestId, outcomeNotice(outcome));
        if (digest) return digest;
      }
      return answer(outcome);
    };

  /** The card says where its alert is kept; the repository checks the hint before trusting it. */
  const hintLocation = (alertId: string, data: Record<string, unknown>): void => {
    if (alertId && typeof data['src'] === 'string' && typeof data['key'] === 'string')
      deps.lookup.suggestLocation?.(alertId, data['src'], data['key']);
  };

  const outcomeNotice = (outcome: AlertOutcome): AlertCardContext['notice'] =>
    outcome.ok
      ? { text: `You acknowledged ${outcome.alert.title.slice(0, 80)}.`, style: 'good' }
      : { text: outcome.message, style: 'warning' };

  const listCard = async (turn: BotTurn, outcome?: AlertOutcome): Promise<AdaptiveCard> => {
    const open = await deps.alerts.listOpen(await caller(turn));
    const notice = outcome ? outcomeNotice(outcome) : undefined;
    return alertListCard({
      heading: open.length ? `Open alerts (${open.length})` : 'Open alerts',
      alerts: open,
      from: 'list',
      notice,
      emptyText: 'No open alerts. All quiet.',
    });
  };

  const raise: CardActionHandler = async (data, turn) => {
    const member = deps.directory.require(await turn.caller(), 'member', 'raise alerts');
    const origin = chatAlertOrigin(cardFields(data, ['formId', 'source']));
    if (!origin)
      throw new CtacError(
        'bad_request',
        'That form is out of date. Type "incident" to start again.',
      );
    const { source, formId } = origin;
    const hsaId = origin.source === 'hsa' ? origin.hsaId : '';
    const values = cardFields(data, ['title', 'severity', 'summary', 'url', 'cves']);
    try {
      // A member raises new alerts only: what the NHS feed or a signed sender said is never changed
      // from the chat, and a form sent again changes nothing.
      const { alert, outcome } = await deps.alerts.ingest(
        incomingAlertFromChat(origin, values),
        { id: member.aadObjectId, name: member.name, source: 'teams' },
        { createOnly: true },
      );
      const hsa = source === 'hsa' ? `HSA ${alert.dedupKey}` : '';
      return outcome === 'created'
        ? noticeCard(
            `Raised: ${alert.title}`,
            `${member.name} raised ${hsa || 'the incident'} (alert ${alert.id}). Its card is going to the ICS cyber channel and the person on call will be paged.`,
            'good',
          )
        : noticeCard(
            `Already raised: ${alert.title}`,
            `${hsa || 'This incident'} is already alert ${alert.id}, so nothing was changed. Type "ack ${alert.id}" or use its card.`,
            'accent',
          );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return alertFormCard({
          source,
          formId,
          hsaId: hsaId || undefined,
          values,
          problems: e.problems.length ? e.problems : [e.message],
        });
      throw e;
    }
  };

  const verbs: Record<string, CardActionHandler> = {
    'alert.acknowledge': onCard(async (_data, turn, alertId) =>
      deps.alerts.acknowledge(await caller(turn), alertId),
    ),
    'alert.resolve': onCard(async (data, turn, alertId) =>
      deps.alerts.resolve(await caller(turn), alertId, cardField(data, 'resolveNote')),
    ),
    'alert.snooze': onCard(async (data, turn, alertId) => {
      const minutes = Number(cardField(data, 'snoozeFor'));
      const choice = SNOOZE_CHOICES.find((c) => c.minutes === minutes);
      if (!choice)
        throw new CtacError('validation', 'Choose how long to snooze from the list on the card.');
      const until = new Date(deps.clock.now().getTime() + choice.minutes * 60_000);
      return deps.alerts.snooze(await caller(turn), alertId, until);
    }),
    'alert.escalate': onCard(async (_data, turn, alertId) =>
      deps.alerts.escalateNow(await caller(turn), alertId),
    ),
    'alert.note': onCard(async (data, turn, alertId) =>
      deps.alerts.addNote(await caller(turn), alertId, cardField(data, 'noteText')),
    ),
    'alert.show': async (data, turn) => {
      const alertId = cardField(data, 'alertId', MAX_ID);
      hintLocation(alertId, data);
      const alert = await deps.alerts.get(await caller(turn), alertId);
      if (!alert)
        throw new CtacError(
          'not_found',
          'That alert no longer exists. Type "alerts" to see the open ones.',
        );
      return render(alert);
    },
    'alert.raise': raise,
    'hsa.respond': async (data, turn) => {
      const alertId = cardField(data, 'alertId', MAX_ID);
      if (!deps.hsa) throw new CtacError('bad_request', 'HSA responses are not available.');
      // A refusal (not a member, not allowed) is thrown before anything is read: it shows no HSA.
      const { refusals } = await deps.hsa.respondWithForm(await caller(turn), alertId, {
        applicability: cardField(data, 'applicability'),
        remediation: cardField(data, 'remediation'),
        note: cardField(data, 'responseNote'),
      });
      const stored = await deps.lookup.get(alertId);
      if (!stored) throw new CtacError('not_found', 'That HSA no longer exists.');
      return render(
        stored.alert,
        refusals.length
          ? { text: refusals.join(' '), style: 'warning' }
          : { text: `Your organisation's response is recorded.`, style: 'good' },
      );
    },
  };

  return {
    commands: COMMANDS,
    verbs,
    async runCommand(name, args, turn) {
      switch (name) {
        case 'alerts':
          return listCard(turn);
        case 'ack': {
          const who = await caller(turn);
          const alert = await find(who.member, args);
          return answer(await deps.alerts.acknowledge(who, alert.id));
        }
        case 'resolve': {
          const who = await caller(turn);
          const [id = '', ...rest] = args.split(' ');
          const alert = await find(who.member, id);
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
