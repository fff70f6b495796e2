import type { Member } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';
import type { RotaGap } from '../domain/rota';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';
import { noticeCard } from './views';

/** What removing a member would do (src/app/leavers.ts's LeaverPreview), as the card shows it. */
export interface LeaverPreview {
  member: Member;
  from: Date;
  fromText: string;
  gaps: readonly RotaGap[];
  weeks: number;
  policies: readonly { rank: string; name: string }[];
  seen: string;
}

/** What confirming did (src/app/leavers.ts's LeaverOutcome). */
export type LeaverOutcome =
  | { kind: 'removed'; preview: LeaverPreview }
  | { kind: 'already_removed'; name: string; removedAt: string };

/** Whether an organisation can go, and why not. */
export interface OrganisationRemovalCheck {
  organisation: Organisation;
  blockers: readonly string[];
}

/** Gaps listed on the card; more are counted, not listed (a card stays readable on a phone). */
const MAX_GAPS_SHOWN = 10;

const ROLE_WORDS: Record<Member['role'], string> = {
  member: 'Member',
  lead: 'Lead',
  admin: 'Admin',
};
const roleWords = (m: Pick<Member, 'role' | 'orgCode'>) =>
  `${ROLE_WORDS[m.role]}${m.orgCode ? ` of ${m.orgCode}` : ''}`;
const layerWords = (layer: string) => `${layer[0]!.toUpperCase()}${layer.slice(1)}`;

/** "Primary: 1 Dec 2026, 09:00 to 2 Dec 2026, 09:00" for each gap, at most ten, then how many more. */
export function gapLines(preview: Pick<LeaverPreview, 'gaps'>): string[] {
  const lines = preview.gaps
    .slice(0, MAX_GAPS_SHOWN)
    .map(
      (g) => `${layerWords(g.layer)}: ${formatUkDateTime(g.start)} to ${formatUkDateTime(g.end)}`,
    );
  const more = preview.gaps.length - MAX_GAPS_SHOWN;
  return more > 0 ? [...lines, `and ${more} more`] : lines;
}

/** `member remove`: who, from when, the gaps it opens and the policies naming them, then Confirm or Cancel. */
export const leaverPreviewCard = (preview: LeaverPreview, problems: string[] = []): AdaptiveCard =>
  renderCard('directory/leaver-preview', {
    name: preview.member.name,
    who: [preview.member.upn, roleWords(preview.member)].filter(Boolean).join(', '),
    memberId: preview.member.aadObjectId,
    fromText: preview.fromText,
    fromWords: preview.fromText
      ? formatUkDateTime(preview.from)
      : `now (${formatUkDateTime(preview.from)})`,
    gapsHeading:
      preview.gaps.length === 0
        ? `No gaps: the rota stays covered over the next ${preview.weeks} weeks.`
        : `Gaps this opens in the rota over the next ${preview.weeks} weeks (${preview.gaps.length}):`,
    gaps: gapLines(preview),
    policies: preview.policies.map((p) => p.rank),
    policyWords: preview.policies.map((p) => `${p.rank} (${p.name})`).join('; '),
    seen: preview.seen,
    problems,
  });

/** What confirming did: removed (with what else went), or removed already. */
export function leaverDoneCard(outcome: LeaverOutcome, by: string): AdaptiveCard {
  if (outcome.kind === 'already_removed')
    return noticeCard(
      `${outcome.name} is already removed`,
      `${outcome.name} was removed from CTAC${outcome.removedAt ? ` on ${formatUkDateTime(outcome.removedAt)}` : ''}. Nothing more was changed.`,
      'default',
    );
  const { member, from, gaps, policies } = outcome.preview;
  const parts = [
    `${member.name} is off the rota from ${formatUkDateTime(from)}${gaps.length ? ` (${gaps.length} ${gaps.length === 1 ? 'gap' : 'gaps'} to fill: type "rota" to see them)` : ''}.`,
    'Their calendar links and acknowledge links have stopped working, and their contact details are gone.',
    ...(policies.length
      ? [
          `Taken out of the ${policies.map((p) => p.rank).join(', ')} escalation ${policies.length === 1 ? 'policy' : 'policies'}.`,
        ]
      : []),
    `What they did keeps their name. Removed by ${by}.`,
  ];
  return noticeCard(`Removed ${member.name} from CTAC`, parts.join(' '), 'good');
}

/** `member edit`: a member's name, email, organisation and role. */
export const memberEditFormCard = (view: {
  member: Member;
  organisations: Organisation[];
  values?: Partial<Record<'name' | 'upn' | 'orgCode' | 'role', string>>;
  problems?: string[];
}): AdaptiveCard =>
  renderCard('directory/member-edit-form', {
    title: view.member.name,
    memberId: view.member.aadObjectId,
    name: view.values?.name ?? view.member.name,
    upn: view.values?.upn ?? view.member.upn,
    orgCode: view.values?.orgCode ?? view.member.orgCode,
    role: view.values?.role ?? view.member.role,
    organisations: view.organisations.map((o) => ({
      title: `${o.name} (${o.code})`,
      value: o.code,
    })),
    problems: view.problems ?? [],
  });

/** `org edit`: an organisation's name and its essential-services mark. */
export const organisationEditFormCard = (view: {
  organisation: Organisation;
  values?: { name?: string; isOes?: boolean };
  problems?: string[];
}): AdaptiveCard =>
  renderCard('directory/org-edit-form', {
    title: `${view.organisation.name} (${view.organisation.code})`,
    code: view.organisation.code,
    name: view.values?.name ?? view.organisation.name,
    isOes: (view.values?.isOes ?? view.organisation.isOes) ? 'true' : 'false',
    problems: view.problems ?? [],
  });

/** `org remove`: why it cannot go yet, or a card to confirm it. */
export function organisationRemoveCard(check: OrganisationRemovalCheck): AdaptiveCard {
  const { organisation, blockers } = check;
  const title = `${organisation.name} (${organisation.code})`;
  if (blockers.length > 0)
    return noticeCard(
      `${title} cannot be removed yet`,
      'An organisation is removed only once nothing names it.',
      'warning',
      [...blockers],
    );
  return renderCard('directory/org-remove', { title, code: organisation.code });
}
