import { noticeCard } from '../../cards/views';
import type { BotFeature, CardActionHandler } from '../bot-feature';
import type { CommandSpec } from '../commands';
import { rotaCalendarLinks } from './rota-calendar-links';
import { rotaCoverAndLeave } from './rota-cover-leave';
import { rotaOverrides } from './rota-overrides';
import { rotaSetup } from './rota-setup';
import { rotaShow } from './rota-show';
import { rotaSwaps } from './rota-swaps';
import type { RotaCommand, RotaFeatureDeps } from './rota-turn';

export type { CalendarLinks, RotaFeatureDeps } from './rota-turn';

const COMMANDS: CommandSpec[] = [
  {
    name: 'oncall',
    usage: 'oncall',
    description: 'Who is primary and secondary on call now, and who is next.',
    group: 'Rota',
  },
  {
    name: 'rota',
    usage: 'rota',
    description: 'The rota for the next 14 days, with any gaps.',
    group: 'Rota',
  },
  {
    name: 'rota setup',
    usage: 'rota setup [primary|secondary]',
    description: 'Set up or change a rotation (leads).',
    group: 'Rota',
  },
  {
    name: 'cover',
    usage: 'cover @person START to END',
    description: 'Take someone\'s shifts for a time, e.g. "cover @Ben tomorrow 9am to Fri 17:00".',
    group: 'Rota',
  },
  {
    name: 'leave',
    usage: 'leave START to END',
    description: 'Mark time you cannot be on call, e.g. "leave 1/12 to 5/12".',
    group: 'Rota',
  },
  {
    name: 'swap',
    usage: 'swap',
    description: 'Offer one of your shifts to someone; they accept on the card.',
    group: 'Rota',
  },
  {
    name: 'rota add',
    usage: 'rota add @person [primary|secondary] START to END',
    description:
      'Put someone on call as well as the rotation for a time, e.g. "rota add @Ben secondary Fri 17:00 to Mon 9am" (leads).',
    group: 'Rota',
  },
  {
    name: 'rota remove',
    usage: 'rota remove @person [primary|secondary] START to END',
    description:
      'Take someone off call for a time, in one layer or both, e.g. "rota remove @Ben 1/12 9am to 2/12 9am" (leads).',
    group: 'Rota',
  },
  {
    name: 'rota changes',
    usage: 'rota changes',
    description: 'Cover, added and removed people, and leave booked from now on, with Undo.',
    group: 'Rota',
  },
  {
    name: 'rota calendar',
    usage: 'rota calendar',
    description:
      'Your private calendar links for Outlook (your shifts, and the whole rota), shown once.',
    group: 'Rota',
  },
  {
    name: 'rota calendar reset',
    usage: 'rota calendar reset',
    description: 'New calendar links for you; your old ones stop working at once.',
    group: 'Rota',
  },
];

/**
 * The rota in Teams: each part (showing it, setting it up, cover and leave, swaps, adding and removing
 * people, calendar links) has its own file; this only routes commands and card verbs to them.
 */
export function rotaFeature(deps: RotaFeatureDeps): BotFeature {
  const parts = [
    rotaShow(deps),
    rotaSetup(deps),
    rotaCoverAndLeave(deps),
    rotaSwaps(deps),
    rotaOverrides(deps),
    rotaCalendarLinks(deps),
  ];
  const commands = new Map<string, RotaCommand>(parts.flatMap((p) => Object.entries(p.commands)));
  const verbs: Record<string, CardActionHandler> = Object.assign({}, ...parts.map((p) => p.verbs));
  return {
    commands: COMMANDS,
    async runCommand(name, args, turn) {
      const run = commands.get(name);
      if (run) return run(turn, args);
      return noticeCard('That rota command is not known', 'Type "help" to see the commands.');
    },
    verbs,
  };
}
