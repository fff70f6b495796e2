import {
  normaliseLeave,
  normaliseMemberId,
  normaliseOverride,
  type Leave,
  type LeaveInput,
  type OverrideInput,
  type RotaOverride,
} from '../../domain/rota';
import { hasRole, type Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Directory } from '../directory';
import type { LeaveRepository, OverrideRepository } from './ports';

export interface RotaChangesDeps {
  overrides: OverrideRepository;
  leave: LeaveRepository;
  directory: Directory;
  clock: Clock;
  ids: IdGenerator;
  /** Refuses anyone who is not a CTAC member. */
  requireMembers(ids: readonly string[]): Promise<void>;
}

/** Changes to the rota for a time: cover, people added or taken off by a lead, and leave. */
export class RotaChanges {
  constructor(private readonly deps: RotaChangesDeps) {}

  /**
   * `memberId` takes `coveredMemberId`'s shifts for a time. A member may offer to cover someone
   * themselves; arranging cover between two other people is for leads.
   */
  async cover(actor: Member | undefined, input: OverrideInput): Promise<RotaOverride> {
    const member = this.deps.directory.require(actor, 'member', 'change the rota');
    const memberId = typeof input.memberId === 'string' ? input.memberId.trim().toLowerCase() : '';
    if (memberId !== member.aadObjectId && !hasRole(member, 'lead'))
      throw new CtacError(
        'forbidden',
        'You can offer to cover a shift yourself; only a lead can arrange cover by someone else.',
      );
    return this.saveOverride(member, { ...input, kind: 'cover' });
  }

  /** A lead adds someone to a layer, or takes someone off, for a time. */
  async addOverride(actor: Member | undefined, input: OverrideInput): Promise<RotaOverride> {
    const lead = this.deps.directory.require(actor, 'lead', 'change the rota');
    return this.saveOverride(lead, input);
  }

  /** Undoes an override: a lead, or whoever made it. */
  async removeOverride(actor: Member | undefined, id: string): Promise<RotaOverride> {
    const member = this.deps.directory.require(actor, 'member', 'change the rota');
    const existing = await this.deps.overrides.get(id);
    if (!existing) throw new CtacError('not_found', 'That rota change no longer exists.');
    if (existing.createdBy !== member.aadObjectId && !hasRole(member, 'lead'))
      throw new CtacError(
        'forbidden',
        'Only a lead or the person who made this change can undo it.',
      );
    await this.deps.overrides.remove(id);
    return existing;
  }

  /** Takes back leave: whoever it is for or made it, or a lead. */
  async removeLeave(actor: Member | undefined, id: string): Promise<Leave> {
    const member = this.deps.directory.require(actor, 'member', 'change the rota');
    const existing = await this.deps.leave.get(id);
    if (!existing) throw new CtacError('not_found', 'That leave no longer exists.');
    const own = [existing.memberId, existing.createdBy].includes(member.aadObjectId);
    if (!own && !hasRole(member, 'lead'))
      throw new CtacError('forbidden', 'Only a lead or the person on leave can take it back.');
    await this.deps.leave.remove(id);
    return existing;
  }

  /** Covers, other overrides and leave that have not ended by `from` and start before `to`. */
  async between(from: Date, to: Date): Promise<{ overrides: RotaOverride[]; leave: Leave[] }> {
    const [overrides, leave] = await Promise.all([
      this.deps.overrides.listOverlapping(from, to),
      this.deps.leave.listOverlapping(from, to),
    ]);
    const byStart = <T extends { start: Date }>(a: T, b: T) =>
      a.start.getTime() - b.start.getTime();
    return { overrides: overrides.sort(byStart), leave: leave.sort(byStart) };
  }

  /** A member marks time they cannot be on call; a lead can do it for anyone. */
  async addLeave(actor: Member | undefined, input: LeaveInput): Promise<Leave> {
    const member = this.deps.directory.require(actor, 'member', 'mark leave');
    const memberId =
      input.memberId === undefined ? member.aadObjectId : (normaliseMemberId(input.memberId) ?? '');
    if (memberId !== member.aadObjectId && !hasRole(member, 'lead'))
      throw new CtacError(
        'forbidden',
        'You can mark your own leave; only a lead can mark leave for someone else.',
      );
    const leave = normaliseLeave(
      { ...input, memberId },
      { id: this.deps.ids.next(), createdBy: member.aadObjectId, createdAt: this.deps.clock.now() },
    );
    const res = await this.deps.leave.add(leave);
    if (!res.ok) throw new CtacError('conflict', 'That leave was already saved.');
    return leave;
  }

  private async saveOverride(member: Member, input: OverrideInput): Promise<RotaOverride> {
    const override = normaliseOverride(input, {
      id: this.deps.ids.next(),
      createdBy: member.aadObjectId,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.requireMembers([
      override.memberId,
      ...(override.kind === 'cover' ? [override.coveredMemberId] : []),
    ]);
    const res = await this.deps.overrides.add(override);
    if (!res.ok) throw new CtacError('conflict', 'That rota change was already saved.');
    return override;
  }
}
