import { decisionListCard } from '../../cards/decision-views';
import { appetiteFormCard, bandsFormCard } from '../../cards/risk-settings-views';
import { riskFormCard, riskListCard } from '../../cards/risk-views';
import { noticeCard } from '../../cards/views';
import { DECISION_LIMITS } from '../../domain/decisions';
import { clipText } from '../../domain/shared/clean-text';
import type { BotFeature } from '../bot-feature';
import type { CommandSpec } from '../commands';
import { decisionActions } from './decision-actions';
import { defaultOrgCode } from './form-data';
import { logDecisionAction } from './log-decision-action';
import { raiseRiskAction } from './raise-risk-action';
import { riskActions } from './risk-actions';
import { risksContext, type RisksFeatureDeps } from './risks-context';
import { settingsActions } from './settings-actions';

export type { RaiserCards, RisksFeatureDeps } from './risks-context';

const GROUP = 'Risks and decisions';
const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'risk',
    usage: 'risk',
    description:
      'Raise a risk on the ICS register (members). Or use "Raise as risk" on any message.',
    group: GROUP,
  },
  { name: 'risks', usage: 'risks', description: 'Open risks, highest score first.', group: GROUP },
  {
    name: 'decision',
    usage: 'decision WHAT-WAS-DECIDED',
    description:
      'Log a decision made in the chat (members). Or use "Log as decision" on any message.',
    group: GROUP,
  },
  {
    name: 'decisions',
    usage: 'decisions',
    description: 'Recent decisions; corrected ones are marked.',
    group: GROUP,
  },
  {
    name: 'appetite',
    usage: 'appetite',
    description: 'Set the risk appetite, ICS-wide and per organisation (admins).',
    group: GROUP,
  },
  {
    name: 'bands',
    usage: 'bands',
    description: 'Change the risk bands: which scores are low, moderate, high or extreme (admins).',
    group: GROUP,
  },
];

/** Risks, escalations to the ICS cyber group and the decision log, in the chat. */
export function risksFeature(deps: RisksFeatureDeps): BotFeature {
  const ctx = risksContext(deps);
  const { register, decisions, settings, directory, orgNames } = ctx;

  return {
    commands: COMMANDS,
    verbs: { ...riskActions(ctx), ...decisionActions(ctx), ...settingsActions(ctx) },
    messageActions: { logDecision: logDecisionAction(ctx), raiseRisk: raiseRiskAction(ctx) },
    async runCommand(name, args, turn) {
      const caller = await turn.caller();
      switch (name) {
        case 'risk': {
          directory.require(caller, 'member', 'raise risks');
          const organisations = await directory.listOrganisations();
          if (organisations.length === 0)
            return noticeCard(
              'Add an organisation first',
              'Every risk belongs to an ICS organisation. An admin adds one with "org add".',
              'warning',
            );
          const exercise = await register.exerciseOffered(caller);
          return riskFormCard({
            organisations,
            values: { orgCode: defaultOrgCode(caller, organisations) },
            ...(exercise && { exercise }),
          });
        }
        case 'risks':
          return riskListCard(await register.listOpen(caller), await orgNames());
        case 'decision':
          directory.require(caller, 'member', 'log decisions');
          return ctx.decisionForm(turn, {
            values: { text: clipText(args, DECISION_LIMITS.text) },
          });
        case 'decisions':
          return decisionListCard(await decisions.listRecent(caller), await orgNames());
        case 'bands':
          return bandsFormCard({ stored: await settings.current(caller, 'bands') });
        case 'appetite':
          return appetiteFormCard({
            stored: await settings.current(caller),
            organisations: await directory.listOrganisations(),
          });
        default:
          return noticeCard(
            'That command is not available',
            'Type "help" to see every command.',
            'warning',
          );
      }
    },
  };
}
