import type { RegulatoryClocks } from '../../app/regulatory-clocks';
import type { AdaptiveCard } from '../../cards/render';
import type { Alert } from '../../domain/alerts';
import { isRegulatoryClockKind } from '../../domain/alerts/regulatory-clocks';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature, CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import { MAX_ID } from './alerts-context';

export interface RegulatoryClocksFeatureDeps {
  clocks: Pick<RegulatoryClocks, 'flag' | 'report'>;
  /** The alert's card as it now stands, with a notice on top for the person who pressed. */
  alertCard(
    alert: Alert,
    notice: { text: string; style: 'good' | 'warning' | 'accent' },
  ): Promise<AdaptiveCard>;
  /** The alert as stored, to show its card again with the problems of a refused report. */
  alert(alertId: string): Promise<Alert | undefined>;
}

/**
 * The alert card's reporting clock buttons (issue 21): "Possibly reportable under NIS" and "Personal data
 * breach" (`regulatory.flag`) and each running clock's "Record report" form (`regulatory.report`). Who may
 * press them is decided by the use case from the caller; the card's data only names the alert and clock.
 */
export function regulatoryClocksFeature(deps: RegulatoryClocksFeatureDeps): BotFeature {
  const kindOf = (data: Record<string, unknown>) => {
    const kind = cardField(data, 'clock', 10);
    if (!isRegulatoryClockKind(kind))
      throw new CtacError(
        'bad_request',
        'That button is out of date. Type "alerts" to see the open ones.',
      );
    return kind;
  };

  const flag: CardActionHandler = async (data, turn) => {
    const alertId = cardField(data, 'alertId', MAX_ID);
    const kind = kindOf(data);
    const answer = await deps.clocks.flag(await turn.caller(), alertId, kind);
    return deps.alertCard(answer.alert, answer.notice);
  };

  const report: CardActionHandler = async (data, turn) => {
    const alertId = cardField(data, 'alertId', MAX_ID);
    const kind = kindOf(data);
    const caller = await turn.caller();
    try {
      const answer = await deps.clocks.report(caller, alertId, kind, {
        date: cardField(data, 'reportDate', 20),
        time: cardField(data, 'reportTime', 20),
        reference: cardField(data, 'reportReference', 400),
      });
      return deps.alertCard(answer.alert, answer.notice);
    } catch (e) {
      // A report that does not pass the checks: the card again, with every problem on top.
      if (isCtacError(e) && (e.code === 'validation' || e.code === 'conflict')) {
        const alert = await deps.alert(alertId);
        if (alert)
          return deps.alertCard(alert, {
            text: [e.message, ...e.problems].join(' '),
            style: 'warning',
          });
      }
      throw e;
    }
  };

  return {
    commands: [],
    verbs: { 'regulatory.flag': flag, 'regulatory.report': report },
  };
}
