import {
  reasonsInWords,
  type PersonReach,
  type ReachReport,
  type ReachRole,
} from '../domain/people/reachability';
import { formatUkDateTime } from '../domain/shared/time';
import type { AdaptiveCard } from './render';
import { announcementCard } from './rota-views';

const roleInWords = (role: ReachRole): string => {
  switch (role.kind) {
    case 'on_call':
      return `${role.layer} on call from ${formatUkDateTime(role.from)}`;
    case 'lead':
      return 'a lead';
    case 'named_target':
      return 'named in an escalation policy';
  }
};

const installedInWords = (person: PersonReach): string => {
  switch (person.installed) {
    case 'installed':
    case 'already_installed':
      return ' CTAC is installed in their Teams now: they can be reached once Teams opens the chat.';
    case 'failed':
      return ' Installing CTAC for them through Microsoft Graph failed: ask them to open CTAC in Teams and say hello.';
    default:
      return '';
  }
};

/** The `reach` card: who cannot be reached on Teams now and why, or plainly that everyone can. */
export function reachCard(report: ReachReport): AdaptiveCard {
  const checked = `I checked ${report.checked} ${report.checked === 1 ? 'person' : 'people'}: everyone on the rota in the next ${report.lookaheadDays} days, the leads and the people named in escalation policies.`;
  const text = report.notifyConfigured
    ? ''
    : ' Text messages are not set up (GOV.UK Notify), so nobody can be paged by text yet.';
  const count = report.unreachable.length;
  if (count === 0)
    return announcementCard({
      title: 'Everyone can be reached on Teams',
      text: `${checked}${text}`,
      style: 'good',
    });
  return announcementCard({
    title: `${count} ${count === 1 ? 'person' : 'people'} cannot be reached on Teams`,
    text: `${checked}${text}`,
    style: 'attention',
    facts: report.unreachable.map((p) => ({
      title: p.name,
      value: `Cannot be reached: ${reasonsInWords(p.reach)}. ${capitalise(p.roles.map(roleInWords).join('; '))}.${installedInWords(p)}`,
    })),
    footer:
      'Someone with no chat can open CTAC in Teams and say hello; someone not in the team needs adding to it.',
  });
}

const capitalise = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
