import { AUDIT_CARD_ENTRIES, type AuditLog } from '../../app/audit-log';
import { auditLogCard } from '../../cards/audit-views';
import type { BotFeature } from '../bot-feature';
import type { CommandSpec } from '../commands';

const COMMANDS: CommandSpec[] = [
  {
    name: 'audit',
    usage: 'audit',
    description:
      'The latest changes admins made: roles, organisations, the channel, risk appetite and bands, escalation policies (admins).',
    group: 'People and organisations',
  },
];

/** `audit`: the admins' audit log in the chat; the whole log exports from the tab. */
export function auditFeature(deps: { audit: Pick<AuditLog, 'recent'> }): BotFeature {
  return {
    commands: COMMANDS,
    async runCommand(_name, _args, turn) {
      const entries = await deps.audit.recent(await turn.caller(), AUDIT_CARD_ENTRIES);
      return auditLogCard(entries, AUDIT_CARD_ENTRIES);
    },
  };
}
