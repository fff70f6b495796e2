import type { EscalationPolicy } from '../domain/alerts/escalation-policy';
import { hasRole, type Member } from '../domain/people/member';
import {
  reachability,
  reasonsInWords,
  type PersonReach,
  type ReachFacts,
  type ReachReport,
  type ReachRole,
} from '../domain/people/reachability';
import type { OnCallShift } from '../domain/rota';
import type { Clock } from '../domain/shared/clock';
import { formatUkDateTime } from '../domain/shared/time';
import type { Directory } from './directory';
import type {
  AppInstallation,
  ConversationRepository,
  MemberRepository,
  TeamMember,
} from './ports';

const DAY_MS = 24 * 3_600_000;
/** How far ahead `reach` looks at the rota. */
export const REACH_LOOKAHEAD_DAYS = 7;

export interface ReachDeps {
  directory: Pick<Directory, 'require' | 'installFor'>;
  members: Pick<MemberRepository, 'get' | 'list'>;
  conversations: Pick<ConversationRepository, 'get'>;
  /** The rota's shifts in [from, to). */
  shifts(from: Date, to: Date): Promise<readonly OnCallShift[]>;
  /** The admins' escalation policies, for the members their steps name. */
  policies(): Promise<Partial<Record<string, EscalationPolicy>>>;
  clock: Clock;
  /** GOV.UK Notify is configured for text messages (a key and a text template). */
  notifyConfigured: boolean;
  /** Whether a member has given a mobile number (the contact book); without it, nobody has. */
  hasMobile?: (memberId: string) => Promise<boolean>;
  /** Present when Graph is enabled: CTAC is installed for people with no chat. */
  apps?: AppInstallation;
}

/**
 * Who CTAC cannot reach before they are needed: the people on the rota in the coming week, the leads,
 * and the members named in escalation policies (`reach`, leads); and, for the rota's notices, anyone
 * on call soon whom Teams cannot reach.
 */
export class Reach {
  constructor(private readonly deps: ReachDeps) {}

  /**
   * The `reach` report (leads and admins). `roster` reads the team's roster as Teams gives it now (only
   * once the caller may ask); without it, nobody is said to be out of the team. With Graph, CTAC is installed for each person who has no
   * chat with it, so Teams can open one (an install already there counts as done).
   */
  async check(
    actor: Member | undefined,
    roster: () => Promise<readonly TeamMember[] | undefined>,
  ): Promise<ReachReport> {
    this.deps.directory.require(actor, 'lead', 'check who can be reached');
    const now = this.deps.clock.now();
    const [team, shifts, members, policies] = await Promise.all([
      roster(),
      this.deps.shifts(now, new Date(now.getTime() + REACH_LOOKAHEAD_DAYS * DAY_MS)),
      this.deps.members.list(),
      this.deps.policies(),
    ]);
    const roles = new Map<string, ReachRole[]>();
    const add = (id: string, role: ReachRole) => {
      const key = id.toLowerCase();
      const list = roles.get(key) ?? [];
      if (!list.some((r) => r.kind === role.kind)) list.push(role);
      roles.set(key, list);
    };
    for (const s of [...shifts].sort((a, b) => a.start.getTime() - b.start.getTime()))
      add(s.memberId, { kind: 'on_call', layer: s.layer, from: s.start < now ? now : s.start });
    for (const m of members) if (hasRole(m, 'lead')) add(m.aadObjectId, { kind: 'lead' });
    for (const policy of Object.values(policies))
      for (const step of policy?.steps ?? [])
        for (const t of step.targets)
          if (t.kind === 'member') add(t.memberId, { kind: 'named_target' });

    const inTeam = team && new Set(team.map((p) => p.aadObjectId.toLowerCase()));
    const byId = new Map(members.map((m) => [m.aadObjectId.toLowerCase(), m]));
    const unreachable: PersonReach[] = [];
    for (const [id, why] of roles) {
      const member = byId.get(id);
      const reach = reachability(await this.facts(id, member, inTeam && inTeam.has(id)));
      if (reach.teams) continue;
      const installed = reach.teamsReasons.includes('no_chat')
        ? await this.deps.directory.installFor(id)
        : undefined;
      unreachable.push({
        memberId: id,
        name: member?.name ?? id,
        roles: why,
        reach,
        ...(installed ? { installed } : {}),
      });
    }
    unreachable.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    return {
      unreachable,
      checked: roles.size,
      notifyConfigured: this.deps.notifyConfigured,
      lookaheadDays: REACH_LOOKAHEAD_DAYS,
    };
  }

  /**
   * For the rota's gap notices and handover post: one line for each person on call in `shifts` whom
   * Teams cannot reach, e.g. "Ben Cole is on call from 3 Dec 2026, 09:00 but cannot be reached on
   * Teams: no chat with CTAC yet". The roster is not read here, so only what CTAC stores counts.
   */
  async unreachableOnCall(shifts: readonly OnCallShift[], now: Date): Promise<string[]> {
    const first = new Map<string, Date>();
    for (const s of [...shifts].sort((a, b) => a.start.getTime() - b.start.getTime())) {
      const id = s.memberId.toLowerCase();
      if (!first.has(id)) first.set(id, s.start < now ? now : s.start);
    }
    const lines: string[] = [];
    for (const [id, from] of first) {
      const member = await this.deps.members.get(id);
      const reach = reachability(await this.facts(id, member, undefined));
      if (reach.teams) continue;
      lines.push(
        `${member?.name ?? id} is on call from ${formatUkDateTime(from)} but cannot be reached on Teams: ${reasonsInWords({ teamsReasons: reach.teamsReasons, textReasons: [] })}`,
      );
    }
    return lines;
  }

  private async facts(
    id: string,
    member: Member | undefined,
    inTeam: boolean | undefined,
  ): Promise<ReachFacts> {
    return {
      ...(inTeam === undefined ? {} : { inTeam }),
      hasChat: !!(await this.deps.conversations.get('personal', id)),
      hasTeamsId: !!member?.teamsUserId,
      hasMobile: (await this.deps.hasMobile?.(id)) ?? false,
      notifyConfigured: this.deps.notifyConfigured,
    };
  }
}
