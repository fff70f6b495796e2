import type { Member } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';

/** View models, one per template in adaptiveCards/. */

export interface CommandHelp {
  usage: string;
  description: string;
}
export interface HelpView {
  intro: string;
  groups: { title: string; commands: CommandHelp[] }[];
  footer: string;
}
export const helpCard = (view: HelpView): AdaptiveCard => renderCard('help', view);

export const welcomeCard = (view: {
  teamName: string;
  installedBy: string;
  installedAt: Date;
}): AdaptiveCard =>
  renderCard('welcome', {
    teamName: view.teamName,
    installedBy: view.installedBy,
    installedAt: formatUkDateTime(view.installedAt),
    steps: [
      'An admin adds the ICS organisations: **org add**.',
      'An admin adds people and their roles: **member add** (see them with **members**).',
      'Anyone can type **help** here (mention me) or in a chat with me to see every command.',
    ].map((text, i) => ({ number: i + 1, text })),
  });

export const unknownCommandCard = (typed: string, suggestion: string | undefined): AdaptiveCard =>
  renderCard('unknown-command', {
    typed: typed.length > 60 ? `${typed.slice(0, 57)}...` : typed,
    hasSuggestion: !!suggestion,
    suggestion: suggestion ?? '',
    suggestionTitle: suggestion ? `Run "${suggestion}"` : '',
    suggestionText: suggestion
      ? `Did you mean **${suggestion}**?`
      : 'I could not match that to any command.',
  });

export type NoticeStyle = 'good' | 'attention' | 'warning' | 'default' | 'accent';
export const noticeCard = (
  title: string,
  text = '',
  style: NoticeStyle = 'default',
  problems: string[] = [],
): AdaptiveCard => renderCard('notice', { title, text, style, problems });

export const organisationFormCard = (
  values: { name?: string; code?: string; isOes?: boolean; problems?: string[] } = {},
): AdaptiveCard =>
  renderCard('org-form', {
    name: values.name ?? '',
    code: values.code ?? '',
    isOes: values.isOes ? 'true' : 'false',
    problems: values.problems ?? [],
  });

export const organisationListCard = (title: string, orgs: Organisation[]): AdaptiveCard =>
  renderCard('org-list', {
    title,
    organisations: orgs.map((o) => ({
      code: o.code,
      name: o.name,
      oesText: o.isOes ? ' (operator of essential services)' : '',
    })),
  });

export interface PersonChoice {
  aadObjectId: string;
  name: string;
  upn?: string;
}
export const memberFormCard = (view: {
  people: PersonChoice[];
  organisations: Organisation[];
  values?: { aadObjectId?: string; orgCode?: string; role?: string };
  problems?: string[];
}): AdaptiveCard =>
  renderCard('member-form', {
    people: view.people.map((p) => ({
      title: p.upn ? `${p.name} (${p.upn})` : p.name,
      value: p.aadObjectId,
    })),
    organisations: view.organisations.map((o) => ({
      title: `${o.name} (${o.code})`,
      value: o.code,
    })),
    aadObjectId: view.values?.aadObjectId ?? '',
    orgCode: view.values?.orgCode ?? '',
    role: view.values?.role ?? 'member',
    problems: view.problems ?? [],
  });

/** `member remove`: choose a CTAC member to take out (admins). */
export const memberRemoveFormCard = (view: {
  members: Member[];
  aadObjectId?: string;
  problems?: string[];
}): AdaptiveCard =>
  renderCard('member-remove-form', {
    people: view.members.map((m) => ({
      title: `${m.name} (${ROLE_NAMES[m.role]}${m.orgCode ? `, ${m.orgCode}` : ''})`,
      value: m.aadObjectId,
    })),
    aadObjectId: view.aadObjectId ?? '',
    problems: view.problems ?? [],
  });

const ROLE_NAMES: Record<Member['role'], string> = {
  member: 'Member',
  lead: 'Lead',
  admin: 'Admin',
};
export const memberListCard = (members: Member[], orgs: Organisation[]): AdaptiveCard => {
  const orgName = new Map(orgs.map((o) => [o.code, o.name]));
  return renderCard('member-list', {
    members: members.map((m) => ({
      name: m.name,
      organisation: m.orgCode ? (orgName.get(m.orgCode) ?? m.orgCode) : 'Not set',
      role: ROLE_NAMES[m.role],
    })),
  });
};
