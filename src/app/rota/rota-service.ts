import {
  acceptSwap,
  applySwapDirectly,
  approveSwap,
  cancelSwap,
  declineSwap,
  findGaps,
  normaliseLeave,
  normaliseMemberId,
  normaliseOverride,
  normaliseRotation,
  onCallAt,
  proposeSwap,
  scheduleBetween,
  scheduleShifts,
  swapOverrides,
  type Leave,
  type LeaveInput,
  type OnCallNow,
  type OnCallShift,
  type OverrideInput,
  type RotaGap,
  type RotaLayer,
  type RotaOverride,
  type RotaSchedule,
  type Rotation,
  type RotationInput,
  type SwapContext,
  type SwapInput,
  type SwapRequest,
  type SwapTransition,
} from '../../domain/rota';
import { hasRole, type Member } from '../../domain/people/member';
import type { Actor } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Directory } from '../directory';
import type { MemberRepository, OrganisationRepository } from '../ports';
import type {
  PeopleLookup,
  LeaveRepository,
  OverrideRepository,
  RotationRepository,
  StoredRotation,
  SwapRepository,
} from './ports';

const DAY_MS = 86_400_000;
/** onCallAt looks up to 400 days ahead for the next change; load that much. */
const ON_CALL_LOOKAHEAD_MS = 401 * DAY_MS;

export interface RotaServiceDeps {
  rotations: RotationRepository;
  overrides: OverrideRepository;
  leave: LeaveRepository;
  swaps: SwapRepository;
  directory: Directory;
  members: MemberRepository;
  organisations: OrganisationRepository;
  clock: Clock;
  ids: IdGenerator;
  /** Finds people who have not used the bot yet (Microsoft Graph); absent when Graph is off. */
  lookup?: PeopleLookup;
}

/** The most people added by email in one go. */
export const MAX_PEOPLE_BY_EMAIL = 20;

/** A person as the rota shows them. */
export interface RotaPerson {
  id: string;
  name: string;
  orgCode: string;
  orgName: string;
  role: Member['role'];
  upn: string;
  /** The Teams user id once they have used the bot (for @mentions). */
  teamsUserId?: string;
}

/** The schedule for a window, with its gaps and one shift per person per stretch. */
export interface RotaWindow {
  schedule: RotaSchedule;
  gaps: RotaGap[];
  shifts: OnCallShift[];
  rotations: Rotation[];
}

export type SwapAnswer = 'accept' | 'decline' | 'approve' | 'cancel';

/**
 * The result of answering a swap. `changed: false` means the answer was already given (pressing
 * Accept twice); `raced: true` means someone else changed the swap first and `swap` is what they left.
 */
export interface SwapOutcome {
  swap: SwapRequest;
  changed: boolean;
  raced?: boolean;
}

/** The on-call rota's use cases: rotations, cover, leave, swaps, who is on call and the schedule. */
export class RotaService {
  constructor(private readonly deps: RotaServiceDeps) {}

  now(): Date {
    return this.deps.clock.now();
  }

  /** Who is primary and secondary at `at` (now by default), with the next change and who comes next. */
  async whoIsOnCall(at: Date = this.now()): Promise<OnCallNow> {
    const { rotations, overrides, leave } = await this.load(
      at,
      new Date(at.getTime() + ON_CALL_LOOKAHEAD_MS),
    );
    return onCallAt(rotations, overrides, leave, at);
  }

  /** The final schedule for [from, to): segments layer by layer, gaps and shifts. */
  async schedule(from: Date, to: Date): Promise<RotaWindow> {
    const { rotations, overrides, leave } = await this.load(from, to);
    const schedule = scheduleBetween(rotations, overrides, leave, from, to);
    return { schedule, gaps: findGaps(schedule), shifts: scheduleShifts(schedule), rotations };
  }

  listRotations(): Promise<StoredRotation[]> {
    return this.deps.rotations.list();
  }

  /** Rotations by layer; the id of a layer's rotation is the layer's name (one rotation per layer). */
  getRotation(layer: RotaLayer): Promise<StoredRotation | undefined> {
    return this.deps.rotations.get(layer);
  }

  /**
   * A lead or admin creates a layer's rotation, or edits it when `etag` (the version the form was
   * filled from) is given. An edit from an out-of-date form is refused rather than overwriting.
   */
  /**
   * The problems a rotation would be refused for, without saving it (the setup form checks its fields
   * before asking for the members' order). Members are checked when it is saved.
   */
  checkRotation(input: RotationInput): string[] {
    const layer = typeof input.layer === 'string' ? input.layer.trim().toLowerCase() : '';
    try {
      normaliseRotation({ ...input, id: layer || 'unknown' });
      return [];
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return e.problems.length ? e.problems : [e.message];
      throw e;
    }
  }

  async setupRotation(
    actor: Member | undefined,
    input: RotationInput,
    etag?: string,
  ): Promise<{ rotation: Rotation; created: boolean }> {
    this.deps.directory.require(actor, 'lead', 'set up the rota');
    const layer = typeof input.layer === 'string' ? input.layer.trim().toLowerCase() : '';
    const rotation = normaliseRotation({ ...input, id: layer || 'unknown' });
    await this.requireMembers(rotation.memberIds);
    if (etag) {
      const res = await this.deps.rotations.update(rotation, etag);
      if (!res.ok)
        throw new CtacError(
          'conflict',
          'Someone else changed this rotation since the form was opened. Type "rota setup" to see the latest and try again.',
        );
      return { rotation, created: false };
    }
    const res = await this.deps.rotations.create(rotation);
    if (!res.ok)
      throw new CtacError(
        'conflict',
        `There is already a ${rotation.layer} rotation. Type "rota setup ${rotation.layer}" to edit it.`,
      );
    return { rotation, created: true };
  }

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
  async changesBetween(
    from: Date,
    to: Date,
  ): Promise<{ overrides: RotaOverride[]; leave: Leave[] }> {
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
      { id: this.deps.ids.next(), createdBy: member.aadObjectId, createdAt: this.now() },
    );
    const res = await this.deps.leave.add(leave);
    if (!res.ok) throw new CtacError('conflict', 'That leave was already saved.');
    return leave;
  }

  /**
   * A member offers one of their shifts to another member (a lead may offer anyone's). The shift
   * must really be the proposer's in that layer, so a forged form cannot swap someone else's time.
   */
  async proposeSwap(actor: Member | undefined, input: SwapInput): Promise<SwapRequest> {
    const member = this.deps.directory.require(actor, 'member', 'swap shifts');
    const transition = proposeSwap(this.deps.ids.next(), input, this.context(member));
    await this.requireMembers([transition.swap.toMemberId]);
    await this.requireOnCall(
      transition.swap.fromMemberId,
      transition.swap.layer,
      transition.swap.shift,
    );
    return this.create(transition);
  }

  /** A lead changes who takes a shift directly, with no one asked. */
  async applySwapDirectly(actor: Member | undefined, input: SwapInput): Promise<SwapRequest> {
    const lead = this.deps.directory.require(actor, 'lead', 'change the rota directly');
    const transition = applySwapDirectly(this.deps.ids.next(), input, this.context(lead));
    await this.requireMembers([transition.swap.toMemberId]);
    await this.requireOnCall(
      transition.swap.fromMemberId,
      transition.swap.layer,
      transition.swap.shift,
    );
    return this.create(transition);
  }

  /** Accept, decline, approve or cancel a swap from its card. */
  async answerSwap(
    actor: Member | undefined,
    swapId: string,
    answer: SwapAnswer,
    reason?: string,
  ): Promise<SwapOutcome> {
    const member = this.deps.directory.require(actor, 'member', 'answer swaps');
    const stored = await this.deps.swaps.get(swapId);
    if (!stored) throw new CtacError('not_found', 'That swap no longer exists.');
    const ctx = this.context(member);
    const transition =
      answer === 'accept'
        ? acceptSwap(stored.swap, ctx)
        : answer === 'decline'
          ? declineSwap(stored.swap, ctx, reason)
          : answer === 'approve'
            ? approveSwap(stored.swap, ctx)
            : cancelSwap(stored.swap, ctx, reason);
    if (!transition.changed) return { swap: transition.swap, changed: false };
    const res = await this.deps.swaps.update(transition.swap, stored.etag, transition.event);
    if (res.ok) return { swap: res.value.swap, changed: true };
    const current = await this.deps.swaps.get(swapId);
    return { swap: current?.swap ?? stored.swap, changed: false, raced: true };
  }

  /** Whether leads can add people by email (Graph is configured). */
  get canFindPeople(): boolean {
    return !!this.deps.lookup;
  }

  listOrganisations() {
    return this.deps.organisations.list();
  }

  /**
   * A lead adds people to CTAC by email or sign-in name, e.g. while setting up a rotation, before
   * those people have used the bot: each is looked up in Entra ID for their object id and name, and
   * whoever is not yet a member becomes a member of `orgCode`. Every name is checked before anyone
   * is added, so a mistake adds nobody. Answers the people's ids in the order given.
   */
  async addPeopleBySignInName(
    actor: Member | undefined,
    names: readonly string[],
    orgCode: string,
  ): Promise<string[]> {
    const wanted = [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
    if (wanted.length === 0) return [];
    const lead = this.deps.directory.require(actor, 'lead', 'add people to the rota');
    const lookup = this.deps.lookup;
    if (!lookup)
      throw new CtacError('validation', 'Please check the people to add.', [
        'Adding people by email needs Microsoft Graph, which is not set up here. Ask an admin to add them with "member add".',
      ]);
    if (wanted.length > MAX_PEOPLE_BY_EMAIL)
      throw new CtacError('validation', 'Please check the people to add.', [
        `Add at most ${MAX_PEOPLE_BY_EMAIL} people by email at a time.`,
      ]);
    const problems: string[] = [];
    const members = await this.deps.members.list();
    const found: { id: string; isNew: boolean; name: string; upn: string }[] = [];
    for (const name of wanted) {
      const known = members.find((m) => m.upn.toLowerCase() === name);
      if (known) {
        found.push({
          id: known.aadObjectId.toLowerCase(),
          isNew: false,
          name: known.name,
          upn: known.upn,
        });
        continue;
      }
      const person = await lookup.findBySignInName(name);
      if (!person) {
        problems.push(`Nobody with the email or sign-in name ${name} was found in the directory.`);
        continue;
      }
      const member = members.find((m) => m.aadObjectId.toLowerCase() === person.aadObjectId);
      found.push({
        id: person.aadObjectId,
        isNew: !member,
        name: person.name,
        upn: person.upn || name,
      });
    }
    const code = orgCode.trim().toUpperCase();
    if (found.some((f) => f.isNew) && !(code && (await this.deps.organisations.get(code))))
      problems.push('Choose the organisation the new people belong to.');
    if (problems.length)
      throw new CtacError('validation', 'Please check the people to add.', problems);
    for (const f of found.filter((x) => x.isNew))
      await this.deps.members.put({
        aadObjectId: f.id,
        name: f.name,
        upn: f.upn,
        orgCode: code,
        role: 'member',
        addedAt: this.now().toISOString(),
        addedBy: lead.name,
      });
    return found.map((f) => f.id);
  }

  getSwap(id: string): Promise<SwapRequest | undefined> {
    return this.deps.swaps.get(id).then((s) => s?.swap);
  }

  /** Everyone the rota can name, by Entra object id, with their organisation. */
  async people(): Promise<Map<string, RotaPerson>> {
    const [members, orgs] = await Promise.all([
      this.deps.members.list(),
      this.deps.organisations.list(),
    ]);
    const orgNames = new Map(orgs.map((o) => [o.code, o.name]));
    return new Map(
      members.map((m) => [
        m.aadObjectId.toLowerCase(),
        {
          id: m.aadObjectId.toLowerCase(),
          name: m.name,
          orgCode: m.orgCode,
          orgName: orgNames.get(m.orgCode) ?? m.orgCode,
          role: m.role,
          upn: m.upn,
          ...(m.teamsUserId ? { teamsUserId: m.teamsUserId } : {}),
        },
      ]),
    );
  }

  private async saveOverride(member: Member, input: OverrideInput): Promise<RotaOverride> {
    const override = normaliseOverride(input, {
      id: this.deps.ids.next(),
      createdBy: member.aadObjectId,
      createdAt: this.now(),
    });
    await this.requireMembers([
      override.memberId,
      ...(override.kind === 'cover' ? [override.coveredMemberId] : []),
    ]);
    const res = await this.deps.overrides.add(override);
    if (!res.ok) throw new CtacError('conflict', 'That rota change was already saved.');
    return override;
  }

  private async create(transition: SwapTransition): Promise<SwapRequest> {
    if (!transition.changed) return transition.swap;
    const res = await this.deps.swaps.create(transition.swap, transition.event);
    if (!res.ok) throw new CtacError('conflict', 'That swap was already saved.');
    return res.value.swap;
  }

  private context(member: Member): SwapContext {
    const actor: Actor = { id: member.aadObjectId, name: member.name, source: 'teams' };
    return { actor, role: member.role, at: this.now() };
  }

  /** Everyone named must be a CTAC member: the rota pages them. */
  private async requireMembers(ids: readonly string[]): Promise<void> {
    const people = await this.people();
    const unknown = ids.filter((id) => !people.has(id));
    if (unknown.length)
      throw new CtacError('validation', 'Please check the people chosen.', [
        'Everyone on the rota must be a CTAC member. Ask an admin to add them with "member add".',
      ]);
  }

  private async requireOnCall(
    memberId: string,
    layer: RotaLayer,
    range: { start: Date; end: Date },
  ) {
    const { schedule } = await this.schedule(range.start, range.end);
    const covered = schedule.layers[layer].every((segment) =>
      segment.onCall.some((a) => a.memberId === memberId),
    );
    if (!covered)
      throw new CtacError('validation', 'Please check the swap.', [
        `That time is not all ${layer} on-call time of the person offering it.`,
      ]);
  }

  private async load(
    from: Date,
    to: Date,
  ): Promise<{ rotations: Rotation[]; overrides: RotaOverride[]; leave: Leave[] }> {
    const [rotations, overrides, leave, swaps] = await Promise.all([
      this.deps.rotations.list(),
      this.deps.overrides.listOverlapping(from, to),
      this.deps.leave.listOverlapping(from, to),
      this.deps.swaps.listInEffect(from, to),
    ]);
    return {
      rotations: rotations.map((r) => r.rotation),
      overrides: [...overrides, ...swaps.flatMap(swapOverrides)],
      leave,
    };
  }
}
