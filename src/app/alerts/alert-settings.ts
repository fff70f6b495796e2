import {
  defaultPolicies,
  normalisePolicy,
  SEVERITY_RANKS,
  type EscalationPolicy,
  type SeverityRank,
} from '../../domain/alerts';
import type { Member } from '../../domain/people/member';
import { CtacError } from '../../domain/shared/errors';
import { describePolicy } from '../../domain/audit/describe';
import type { AuditRecorder } from '../audit-log';
import type { Directory } from '../directory';
import type { MemberRepository } from '../ports';
import type { EscalationPolicyStore, VersionedPolicyStore } from './escalation-ports';

/** A severity's policy and whether admins changed it from the default. */
export interface PolicyView {
  rank: SeverityRank;
  policy: EscalationPolicy;
  isDefault: boolean;
}

/** What an admin's edit form needs: the policy now, its ETag (for a stale-form check) and who can be paged. */
export interface PolicyEdit extends PolicyView {
  etag: string;
  members: Member[];
}

/**
 * Admins' alert settings: escalation policies per severity. Who is on call comes from the rota alone
 * (covers and `rota add` do what the interim on-call list once did).
 */
export class AlertSettings {
  constructor(
    private readonly deps: {
      policies: EscalationPolicyStore & VersionedPolicyStore;
      members: MemberRepository;
      directory: Pick<Directory, 'require'>;
      /** Where admin changes are recorded (the audit log). */
      audit?: AuditRecorder;
    },
  ) {}

  /** Every severity's policy, most severe first. */
  async policies(actor: Member | undefined): Promise<PolicyView[]> {
    this.deps.directory.require(actor, 'member', 'see escalation policies');
    const set = await this.deps.policies.all();
    return SEVERITY_RANKS.map((rank) => ({
      rank,
      policy: set[rank] ?? defaultPolicies[rank],
      isDefault: !set[rank],
    }));
  }

  /** A severity's policy as it stands, for an admin to edit. */
  async editPolicy(actor: Member | undefined, rank: SeverityRank): Promise<PolicyEdit> {
    this.deps.directory.require(actor, 'admin', 'change escalation policies');
    this.checkRank(rank);
    const [stored, members] = await Promise.all([
      this.deps.policies.read(rank),
      this.deps.members.list(),
    ]);
    return {
      rank,
      policy: stored.policy ?? defaultPolicies[rank],
      isDefault: !stored.policy,
      etag: stored.etag,
      members,
    };
  }

  private checkRank(rank: SeverityRank): void {
    if (!SEVERITY_RANKS.includes(rank))
      throw new CtacError('validation', 'Please check the escalation policy.', [
        `"${String(rank).slice(0, 20)}" is not a severity (${SEVERITY_RANKS.join(', ')}).`,
      ]);
  }

  /**
   * Replaces a severity's policy (admins). With `etag` (from `editPolicy`; '' for a default policy) the
   * save is refused with a `conflict` CtacError if someone saved that severity since the form was opened.
   * Throws a `validation` CtacError listing every problem, Throws a `validation` CtacError listing every problem,
   * including members named in a step who are not in CTAC.
   */
  async setPolicy(
    actor: Member | undefined,
    rank: SeverityRank,
    input: unknown,
    etag?: string,
  ): Promise<EscalationPolicy> {
    const admin = this.deps.directory.require(actor, 'admin', 'change escalation policies');
    this.checkRank(rank);
    const policy = normalisePolicy(input);
    const problems: string[] = [];
    for (const [i, step] of policy.steps.entries())
      for (const target of step.targets)
        if (target.kind === 'member' && !(await this.deps.members.get(target.memberId)))
          problems.push(`Step ${i + 1}: ${target.memberId} is not a CTAC member.`);
    if (problems.length)
      throw new CtacError('validation', 'Please check the escalation policy.', problems);
    const before = this.deps.audit && (await this.deps.policies.read(rank)).policy;
    if (etag === undefined) await this.deps.policies.set(rank, policy);
    else if (!(await this.deps.policies.setIfUnchanged(rank, policy, etag)).ok)
      throw new CtacError(
        'conflict',
        `Someone changed the ${rank} policy after this form was opened, so nothing was saved. Open it again with "policy ${rank}" to see their change.`,
      );
    await this.deps.audit?.record({
      action: 'alert.policy',
      by: admin,
      subject: `Escalation policy: ${rank}`,
      before: await this.describe(before ?? defaultPolicies[rank], !before),
      after: await this.describe(policy, false),
    });
    return policy;
  }

  private async describe(policy: EscalationPolicy, isDefault: boolean): Promise<string> {
    const ids = policy.steps.flatMap((s) =>
      s.targets.flatMap((t) => (t.kind === 'member' ? [t.memberId] : [])),
    );
    const names = new Map(
      await Promise.all(
        ids.map(async (id) => [id, (await this.deps.members.get(id))?.name ?? id] as const),
      ),
    );
    const text = describePolicy(policy, (id) => names.get(id) ?? id);
    return isDefault ? `${text} (the default)` : text;
  }
}
