import type { Logger } from 'pino';
import {
  layerGapText,
  whoAStepPages,
  type Alert,
  type EscalationTarget,
  type LayerGap,
} from '../../domain/alerts';
import { hasRole } from '../../domain/people/member';
import type { MemberRepository } from '../ports';
import type { AlertNotifier, OnCallSource } from './ports';

/**
 * Who a step's targets are right now, each once: Entra object ids with names, whether the channel is
 * in, and the rota gaps the step found with the leads to tell about them (Entra object ids).
 */
export interface PageRecipients {
  people: { id: string; name: string }[];
  channel: boolean;
  gaps: LayerGap[];
  leads: string[];
}

export interface StepRecipientsDeps {
  onCall: OnCallSource;
  members: MemberRepository;
  notifier: Pick<AlertNotifier, 'messageMember'>;
  logger?: Pick<Logger, 'error'>;
}

/**
 * Who an escalation step pages now (from the rota's layers and the leads), and telling the leads 1:1
 * what they must know: a step nobody could be reached by, a rota gap the step found. Used by
 * AlertEscalation.
 */
export class StepRecipients {
  constructor(private readonly deps: StepRecipientsDeps) {}

  /**
   * The people (and the channel) a step's targets mean now, each person once: the domain decides from
   * who is on call in each rota layer and who the leads are (whoAStepPages).
   */
  async of(targets: EscalationTarget[], now: Date): Promise<PageRecipients> {
    const needs = (...kinds: EscalationTarget['kind'][]) =>
      targets.some((t) => kinds.includes(t.kind));
    const [onCall, members] = await Promise.all([
      needs('primary', 'secondary')
        ? this.deps.onCall.onCallNow(now)
        : { primary: [], secondary: [] },
      needs('primary', 'secondary', 'leads') ? this.deps.members.list() : undefined,
    ]);
    const leads = (members ?? []).filter((m) => hasRole(m, 'lead')).map((m) => m.aadObjectId);
    const step = whoAStepPages(targets, onCall, leads);
    const people: { id: string; name: string }[] = [];
    for (const id of step.people) {
      const member =
        members?.find((m) => m.aadObjectId.toLowerCase() === id) ??
        (await this.deps.members.get(id));
      // Someone no longer in CTAC is not paged.
      if (member) people.push({ id, name: member.name });
    }
    return { people, channel: step.channel, gaps: step.gaps, leads };
  }

  /** Each lead hears it in their own chat; a failure is logged and never stops the escalation. */
  async tellLeads(alert: Alert, text: string): Promise<void> {
    const members = await this.deps.members.list();
    for (const lead of members.filter((m) => hasRole(m, 'lead')))
      await this.deps.notifier
        .messageMember(lead.aadObjectId, text)
        .catch((err) =>
          this.deps.logger?.error(
            { err, alertId: alert.id, memberAadObjectId: lead.aadObjectId },
            'alerts: telling a lead nobody could be reached failed',
          ),
        );
  }

  /** Each lead hears of each gap the step found, in their own chat; a failure never stops the page. */
  async tellLeadsAboutGaps(alert: Alert, recipients: PageRecipients): Promise<void> {
    for (const gap of recipients.gaps)
      for (const lead of recipients.leads)
        await this.deps.notifier
          .messageMember(lead, layerGapText(gap, alert.title))
          .catch((err) =>
            this.deps.logger?.error(
              { err, alertId: alert.id, memberAadObjectId: lead },
              'alerts: telling a lead about a rota gap failed',
            ),
          );
  }
}
