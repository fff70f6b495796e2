import type { Logger } from 'pino';
import type { AlertCaller, AlertService } from '../../app/alerts/alert-service';
import type { HsaResponses } from '../../app/alerts/hsa-responses';
import type { AlertRepository } from '../../app/alerts/ports';
import type { Directory } from '../../app/directory';
import { alertListCard } from '../../cards/alert-list-card';
import { alertCard, type AlertCardContext, type RegulatoryCardContext } from '../../cards/alerts';
import type { HsaResponseView } from '../../cards/hsa-response-view';
import type { AdaptiveCard } from '../../cards/render';
import type { Alert, AlertOutcome } from '../../domain/alerts';
import type { Clock } from '../../domain/shared/clock';
import type { IdGenerator } from '../../domain/shared/ids';
import type { BotTurn } from '../bot-feature';

/** What the alerts feature asks of the alert use cases (src/app/alerts/alert-service.ts). */
export type AlertActions = Pick<
  AlertService,
  | 'get'
  | 'findNamed'
  | 'listOpen'
  | 'acknowledge'
  | 'resolve'
  | 'snooze'
  | 'escalateNow'
  | 'addNote'
  | 'ingest'
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
    /** A lead asks the organisations to respond to an NHS alert below High. */
    askForResponses?: HsaResponses['askForResponses'];
  };
  /** Brings in one HSA from the NHS cyber alerts API now (when NHS_CYBER_ALERTS_URL is set). */
  fetchHsa?(hsaId: string): Promise<{ alert: Alert }>;
  /** A storm digest card as it stands (src/bot/alerts/teams-alert-notifier.ts). */
  digestCard?(
    digestId: string,
    notice?: AlertCardContext['notice'],
  ): Promise<AdaptiveCard | undefined>;
  /** For the reporting clocks' lines and buttons on the card (issue 21). */
  regulatory?(alert: Alert): Promise<RegulatoryCardContext>;
  clock: Clock;
  ids: IdGenerator;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/** Longest id anyone types; anything longer is not an alert id. */
export const MAX_ID = 128;

/** What the alert handlers share: the use cases, who is calling, and the cards they answer with. */
export interface AlertsContext {
  deps: AlertsFeatureDeps;
  /** The person pressing or typing, as the alert use cases take them. */
  caller(turn: BotTurn): Promise<AlertCaller>;
  /** The alert's card as it now stands, with a notice on top. */
  render(alert: Alert, notice?: AlertCardContext['notice']): Promise<AdaptiveCard>;
  /** The card after a button: the alert as it now is, with any refusal on top. */
  answer(outcome: AlertOutcome): Promise<AdaptiveCard>;
  outcomeNotice(outcome: AlertOutcome): AlertCardContext['notice'];
  /** The open alerts, with what a button did on top. */
  listCard(turn: BotTurn, outcome?: AlertOutcome): Promise<AdaptiveCard>;
}

export function alertsContext(deps: AlertsFeatureDeps): AlertsContext {
  const caller = async (turn: BotTurn): Promise<AlertCaller> => ({
    member: await turn.caller(),
    source: 'teams',
  });

  // Who is on call (the app remembers it); a card is still shown when that cannot be found.
  const onCallNames = (): Promise<string[]> => deps.onCallNames().catch(() => [] as string[]);

  const render = async (alert: Alert, notice?: AlertCardContext['notice']) =>
    alertCard(alert, {
      onCall: await onCallNames(),
      responses: alert.source === 'hsa' && deps.hsa ? await deps.hsa.lines(alert.id) : undefined,
      notice,
      ...(deps.regulatory && { regulatory: await deps.regulatory(alert) }),
    });

  /** The card after a button: the alert as it now is, with any refusal on top. */
  const answer = (outcome: AlertOutcome) =>
    render(outcome.alert, outcome.ok ? undefined : { text: outcome.message, style: 'warning' });

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

  return { deps, caller, render, answer, outcomeNotice, listCard };
}
