import type { Logger } from 'pino';
import type { Alert } from '../../domain/alerts';
import type { AlertNotifier } from './ports';

/**
 * Stands in for the Teams notifier where none is joined (the app without a bot feature for alerts): it
 * only logs, so alerts are still stored, escalated and listed.
 */
export class LoggingAlertNotifier implements AlertNotifier {
  constructor(private readonly logger: Pick<Logger, 'info'>) {}
  async postToChannel(alert: Alert): Promise<void> {
    this.logger.info({ alertId: alert.id }, 'alert: would post to the channel');
  }
  async refreshCard(alert: Alert): Promise<void> {
    this.logger.info({ alertId: alert.id, state: alert.state }, 'alert: would refresh the card');
  }
  async page(memberAadObjectId: string, alert: Alert): Promise<void> {
    this.logger.info({ alertId: alert.id, memberAadObjectId }, 'alert: would page a member');
  }
  async replyInThread(alert: Alert): Promise<void> {
    this.logger.info({ alertId: alert.id }, 'alert: would reply in the thread');
  }
}
