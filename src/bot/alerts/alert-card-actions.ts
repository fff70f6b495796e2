import { alertFormCard } from '../../cards/alert-form-card';
import { SNOOZE_CHOICES } from '../../cards/alerts';
import { noticeCard } from '../../cards/views';
import { chatAlertOrigin, incomingAlertFromChat, type AlertOutcome } from '../../domain/alerts';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardField, cardFields } from '../card-fields';
import { MAX_ID, type AlertsContext } from './alerts-context';

/**
 * The alert card's buttons and the chat's incident form. Every button answers with the alert's card as it
 * now stands (the use case also updates the channel message for everyone); a refusal (already acknowledged,
 * not allowed now, not a member) changes nothing and is shown on top.
 */
export function alertCardActions(ctx: AlertsContext): Record<string, CardActionHandler> {
  const { deps, caller, render, answer, outcomeNotice, listCard } = ctx;

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

  return {
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
    'hsa.ask': async (data, turn) => {
      const alertId = cardField(data, 'alertId', MAX_ID);
      if (!deps.hsa?.askForResponses)
        throw new CtacError('bad_request', 'HSA responses are not available.');
      // Only a lead may ask: the use case checks the caller's Entra id against the directory first.
      const { message } = await deps.hsa.askForResponses(await caller(turn), alertId);
      const stored = await deps.lookup.get(alertId);
      if (!stored) throw new CtacError('not_found', 'That alert no longer exists.');
      return render(stored.alert, { text: message, style: 'good' });
    },
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
}
