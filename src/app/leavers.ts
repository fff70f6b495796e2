import {
  findGaps,
  scheduleBetween,
  swapOverrides,
  type RotaGap,
  type RotaOverride,
} from '../domain/rota';
import { parseUkDateTime } from '../domain/rota/uk-date-time';
import {
  SEVERITY_RANKS,
  type AlertSummary,
  type EscalationPolicy,
  type SeverityRank,
} from '../domain/alerts';
import { describePolicy } from '../domain/audit/describe';
import type { Member } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';
import type { Risk } from '../domain/risk';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { IdGenerator } from '../domain/shared/ids';
import type { EscalationPolicyStore, VersionedPolicyStore } from './alerts/escalation-ports';
import type { AuditRecorder } from './audit-log';
import type { ContactRepository } from './contacts';
import type { Directory } from './directory';
import type { MemberRepository } from './ports';
import type {
  CalendarLinkRepository,
  LeaveRepository,
  OverrideRepository,
  RotationRepository,
  SwapRepository,
} from './rota/ports';

/** How far ahead the gaps a removal opens are shown before it is confirmed. */
export const LEAVER_GAP_WEEKS = 4;
const WEEK_MS = 7 * 86_400_000;
/** A removal from the rota has no end: the override runs a century (the rota keeps no longer). */
const FOR_GOOD_MS = 100 * 365 * 86_400_000;
/** "Now" typed a moment ago is still now. */
const PAST_GRACE_MS = 5 * 60_000;

/** A member already removed: their kept name and when (src/store/directory-repositories.ts). */
export interface RemovedMembers {
  getRemoved(aadObjectId: string): Promise<{ name: string; removedAt: string } | undefined>;
}

export interface LeaverDeps {
  directory: Pick<
    Directory,
    'require' | 'findMember' | 'removeMember' | 'removeOrganisation' | 'organisationOrThrow'
  >;
  members: Pick<MemberRepository, 'list'>;
  rotations: Pick<RotationRepository, 'list'>;
  overrides: Pick<OverrideRepository, 'add' | 'listOverlapping'>;
  leave: Pick<LeaveRepository, 'listOverlapping'>;
  swaps: Pick<SwapRepository, 'listInEffect'>;
  calendarLinks: Pick<CalendarLinkRepository, 'removeMember'>;
  contacts: Pick<ContactRepository, 'remove'>;
  clock: Clock;
  ids: IdGenerator;
  /** Escalation policies: a policy naming the leaver directly pages someone else from then. */
  policies?: EscalationPolicyStore & VersionedPolicyStore;
  /** Acknowledge links already texted or emailed to them stop working. */
  ackLinks?: { removeForMember(memberId: string): Promise<number> };
  /** Who was removed already, so a second confirm says so. */
  removed?: RemovedMembers;
  /** Where a policy changed by a removal is recorded. */
  audit?: AuditRecorder;
  /** Open alerts and risks, which an organisation cannot be removed while they name it. */
  openAlerts?: () => Promise<AlertSummary[]>;
  openRisks?: () => Promise<Risk[]>;
}

/** A severity's escalation policy that names the leaver in a step of its own. */
export interface PolicyNaming {
  rank: SeverityRank;
  name: string;
}

/** What confirming did, or that it had been done already. */
export type LeaverOutcome =
  | { kind: 'removed'; preview: LeaverPreview }
  | { kind: 'already_removed'; name: string; removedAt: string };

/** What removing a member would do, shown before an admin confirms it. */
export interface LeaverPreview {
  member: Member;
  from: Date;
  /** Gaps in the rota over the next weeks that removing them opens (none before). */
  gaps: RotaGap[];
  /** Escalation policies that page them by name: they are taken out of each. */
  policies: PolicyNaming[];
  /** How many weeks ahead the gaps were looked for. */
  weeks: number;
  /** The time as typed ('' for now), which a confirm must repeat. */
  fromText: string;
  /**
   * What was shown, in one string: a confirm whose card showed something else (another person, time,
   * gaps or policies) is refused and shown afresh.
   */
  seen: string;
}

/** An organisation's removal, checked: why not, or nothing in the way. */
export interface OrganisationRemovalCheck {
  organisation: Organisation;
  /** Why it cannot go yet (members, open risks, open alerts naming it); empty when it can. */
  blockers: string[];
}

/**
 * A member leaves CTAC (admins, from their own Entra id): from a chosen time they are off the rota (past
 * shifts stay as they were), their calendar links and contact details go (no more pages by Teams, text or
 * email), and their member record is marked removed, so they no longer count as a member; what they did
 * keeps their name, and the audit log records who removed them.
 */
export class Leavers {
  constructor(private readonly deps: LeaverDeps) {}

  /** The member named by `who` (name, email or sign-in name, or Entra id) and the gaps their removal opens. */
  async preview(
    actor: Member | undefined,
    who: string,
    fromText = '',
    opts: { byIdOnly?: boolean } = {},
  ): Promise<LeaverPreview> {
    const admin = this.deps.directory.require(actor, 'admin', 'remove members');
    const member = await this.deps.directory.findMember(who, 'remove', opts.byIdOnly);
    if (member.aadObjectId === admin.aadObjectId)
      throw new CtacError('forbidden', 'You cannot remove yourself. Ask another admin to do it.');
    const from = this.readFrom(fromText);
    const [gaps, policies] = await Promise.all([
      this.gapsOpened(member.aadObjectId, from),
      this.policiesNaming(member.aadObjectId),
    ]);
    const typed = fromText.trim();
    const seen = [
      member.aadObjectId,
      member.name,
      member.role,
      member.orgCode,
      typed,
      // A gap's end does not move with "now"; its start may.
      ...gaps.map((g) => `${g.layer}@${g.end.toISOString()}`),
      ...policies.map((p) => p.rank),
    ].join('|');
    return { member, from, gaps, policies, fromText: typed, seen, weeks: LEAVER_GAP_WEEKS };
  }

  /**
   * Removes the member from `fromText` (default now). With `seen` (from the preview card) the removal
   * happens only if a fresh preview shows the same: otherwise a `conflict` carries the fresh preview's
   * reason and nothing changes. A member removed already is an outcome, not an error.
   */
  async confirm(
    actor: Member | undefined,
    who: string,
    fromText = '',
    seen?: string,
  ): Promise<LeaverOutcome> {
    this.deps.directory.require(actor, 'admin', 'remove members');
    const gone = await this.deps.removed?.getRemoved(who.trim().toLowerCase());
    if (gone) return { kind: 'already_removed', name: gone.name, removedAt: gone.removedAt };
    // From a card, only the member's id is taken: a name that happens to match is not enough.
    const preview = await this.preview(actor, who, fromText, { byIdOnly: seen !== undefined });
    if (seen !== undefined && seen !== preview.seen)
      throw new CtacError(
        'conflict',
        'Something changed since this card was shown (the person, the time or the rota), so nobody was removed. Check the card again, then confirm.',
      );
    const { member, from } = preview;
    const off: RotaOverride = {
      id: this.deps.ids.next(),
      kind: 'remove',
      memberId: member.aadObjectId,
      start: from,
      end: new Date(from.getTime() + FOR_GOOD_MS),
      createdBy: actor!.aadObjectId,
      createdAt: this.deps.clock.now(),
      note: `Left CTAC (removed by ${actor!.name})`,
    };
    await this.deps.overrides.add(off);
    await this.deps.calendarLinks.removeMember(member.aadObjectId);
    await this.deps.contacts.remove(member.aadObjectId);
    await this.deps.ackLinks?.removeForMember(member.aadObjectId);
    await this.takeOutOfPolicies(actor!, member);
    await this.deps.directory.removeMember(actor, member.aadObjectId);
    return { kind: 'removed', preview };
  }

  /**
   * Whether an organisation can be removed (admins): not while it has members, or open risks or alerts
   * name it (they would read as a code nobody knows).
   */
  async checkOrganisationRemoval(
    actor: Member | undefined,
    code: string,
  ): Promise<OrganisationRemovalCheck> {
    this.deps.directory.require(actor, 'admin', 'remove organisations');
    const organisation = await this.deps.directory.organisationOrThrow(code);
    const [members, risks, alerts] = await Promise.all([
      this.deps.members.list(),
      this.deps.openRisks?.() ?? [],
      this.deps.openAlerts?.() ?? [],
    ]);
    const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    const ofIt = members.filter((m) => m.orgCode === organisation.code).length;
    const risksOfIt = risks.filter((r) => r.orgCode === organisation.code).length;
    const alertsOfIt = alerts.filter((a) => a.organisations.includes(organisation.code)).length;
    const blockers = [
      ...(ofIt
        ? [
            `It has ${count(ofIt, 'member', 'members')}: move them with "member edit" or remove them with "member remove".`,
          ]
        : []),
      ...(risksOfIt
        ? [`${count(risksOfIt, 'open risk names', 'open risks name')} it: close them first.`]
        : []),
      ...(alertsOfIt
        ? [`${count(alertsOfIt, 'open alert names', 'open alerts name')} it: resolve them first.`]
        : []),
    ];
    return { organisation, blockers };
  }

  /** Removes an organisation once nothing is in the way (checked again here, not trusted from a card). */
  async removeOrganisation(actor: Member | undefined, code: string): Promise<Organisation> {
    const check = await this.checkOrganisationRemoval(actor, code);
    if (check.blockers.length > 0)
      throw new CtacError(
        'conflict',
        `${check.organisation.name} (${check.organisation.code}) cannot be removed yet.`,
        check.blockers,
      );
    return this.deps.directory.removeOrganisation(actor, check.organisation.code);
  }

  private async policiesNaming(memberId: string): Promise<PolicyNaming[]> {
    const set = (await this.deps.policies?.all()) ?? {};
    return SEVERITY_RANKS.flatMap((rank) => {
      const policy = set[rank];
      return policy && namesMember(policy, memberId) ? [{ rank, name: policy.name }] : [];
    });
  }

  /**
   * Takes the leaver out of every stored policy that names them: a step that paged only them pages the
   * leads instead, so no step goes quiet. Each write is conditional on what was read (read again once if
   * someone saved meanwhile) and recorded in the audit log.
   */
  private async takeOutOfPolicies(admin: Member, member: Member): Promise<void> {
    const store = this.deps.policies;
    if (!store) return;
    for (const rank of SEVERITY_RANKS) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const { policy, etag } = await store.read(rank);
        if (!policy || !namesMember(policy, member.aadObjectId)) break;
        const changed = withoutMember(policy, member.aadObjectId);
        if (!(await store.setIfUnchanged(rank, changed, etag)).ok) continue;
        const nameOf = (id: string) => (id === member.aadObjectId ? member.name : id);
        await this.deps.audit?.record({
          action: 'alert.policy',
          by: admin,
          subject: `Escalation policy: ${rank} (${member.name} left CTAC)`,
          before: describePolicy(policy, nameOf),
          after: describePolicy(changed, nameOf),
        });
        break;
      }
    }
  }

  private readFrom(text: string): Date {
    const now = this.deps.clock.now();
    if (!text.trim()) return now;
    const read = parseUkDateTime(text, now);
    if (!read.ok) throw new CtacError('validation', 'Please check from when.', [read.error]);
    if (read.at.getTime() < now.getTime() - PAST_GRACE_MS)
      throw new CtacError('validation', 'Please check from when.', [
        'Choose now or a later time: shifts already past stay as they were.',
      ]);
    return read.at.getTime() < now.getTime() ? now : read.at;
  }

  /** The gaps over the next weeks with the member off the rota from `from` that were not there before. */
  private async gapsOpened(memberId: string, from: Date): Promise<RotaGap[]> {
    const to = new Date(from.getTime() + LEAVER_GAP_WEEKS * WEEK_MS);
    const [stored, overrides, leave, swaps] = await Promise.all([
      this.deps.rotations.list(),
      this.deps.overrides.listOverlapping(from, to),
      this.deps.leave.listOverlapping(from, to),
      this.deps.swaps.listInEffect(from, to),
    ]);
    const rotations = stored.map((r) => r.rotation);
    const changes = [...overrides, ...swaps.flatMap(swapOverrides)];
    const before = findGaps(scheduleBetween(rotations, changes, leave, from, to));
    const off: RotaOverride = {
      id: 'leaver-preview',
      kind: 'remove',
      memberId,
      start: from,
      end: to,
      createdBy: memberId,
      createdAt: from,
    };
    const after = findGaps(scheduleBetween(rotations, [...changes, off], leave, from, to));
    // A gap is new where its time was covered before (any part of it).
    return after.filter(
      (gap) =>
        !before.some(
          (b) =>
            b.layer === gap.layer &&
            b.start.getTime() <= gap.start.getTime() &&
            b.end.getTime() >= gap.end.getTime(),
        ),
    );
  }
}

const namesMember = (policy: EscalationPolicy, memberId: string): boolean =>
  policy.steps.some((s) => s.targets.some((t) => t.kind === 'member' && t.memberId === memberId));

/** The policy without the member; a step left with nobody pages the leads. */
function withoutMember(policy: EscalationPolicy, memberId: string): EscalationPolicy {
  return {
    ...policy,
    steps: policy.steps.map((step) => {
      const targets = step.targets.filter((t) => !(t.kind === 'member' && t.memberId === memberId));
      return { ...step, targets: targets.length > 0 ? targets : [{ kind: 'leads' }] };
    }),
  };
}
