import {
  findGaps,
  normaliseRotation,
  onCallAt,
  scheduleBetween,
  scheduleShifts,
  swapOverrides,
  type Leave,
  type LeaveInput,
  type OnCallNow,
  type OverrideInput,
  type RotaGap,
  type RotaLayer,
  type RotaOverride,
  type Rotation,
  type RotationInput,
  type RotaPerson,
  type RotaWindow,
  type SwapInput,
  type SwapRequest,
} from '../../domain/rota';
import type { Member } from '../../domain/people/member';
import { mergeMemberIds } from '../../domain/rota/rotation-order';
import type { Clock } from '../../domain/shared/clock';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import { notifyingWrites } from '../cached-value';
import type { Directory } from '../directory';
import type { RosterReader } from '../member-directory';
import type { MemberRepository, OrganisationRepository } from '../ports';
import type {
  PeopleLookup,
  LeaveRepository,
  OverrideRepository,
  RotationRepository,
  StoredRotation,
  SwapRepository,
} from './ports';
import { addPeopleBySignInName, requireRotaMembers, rotaPeople } from './rota-people';
import { RotaChanges } from './rota-changes';
import { RotaSwaps, type SwapAnswer, type SwapOutcome } from './rota-swaps';

export { MAX_PEOPLE_BY_EMAIL } from './rota-people';
export type { SwapAnswer, SwapOutcome } from './rota-swaps';

const DAY_MS = 86_400_000;
/** onCallAt looks up to 400 days ahead for the next change; load that much and a day more. */
const ON_CALL_LOOKAHEAD_MS = 401 * DAY_MS;
/** How far a look may be after the start of an in-flight load and still share it. */
const SHARED_LOAD_MS = 60_000;
/**
 * How far a look may be after the start of a finished load and still use it, unless the rota changed
 * here since: a storm pages many alerts a second, each asking who is on call (issue 18).
 */
export const ON_CALL_REUSE_MS = 1_000;

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

/** The on-call rota's use cases: rotations, cover, leave, swaps, who is on call and the schedule. */
export class RotaService {
  private readonly swaps: RotaSwaps;
  private readonly changes: RotaChanges;
  /** The on-call load in flight or just finished, and the time it looks from (see loadOnCall). */
  private onCallLoad?: {
    from: number;
    value: ReturnType<RotaService['load']>;
    finished?: boolean;
  };

  private readonly deps: RotaServiceDeps;

  constructor(given: RotaServiceDeps) {
    // Every rota write made through this service forgets the on-call reading it may have changed.
    const changed = () => this.changed();
    const deps: RotaServiceDeps = {
      ...given,
      rotations: notifyingWrites(given.rotations, ['create', 'update'], changed),
      overrides: notifyingWrites(given.overrides, ['add', 'remove'], changed),
      leave: notifyingWrites(given.leave, ['add', 'remove'], changed),
      swaps: notifyingWrites(given.swaps, ['create', 'update'], changed),
    };
    this.deps = deps;
    this.swaps = new RotaSwaps({
      ...deps,
      requireMembers: (ids) => this.requireMembers(ids),
      scheduleOf: (from, to) => this.schedule(from, to),
    });
    this.changes = new RotaChanges({ ...deps, requireMembers: (ids) => this.requireMembers(ids) });
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** Who is primary and secondary at `at` (now by default), with the next change and who comes next. */
  async whoIsOnCall(at: Date = this.now()): Promise<OnCallNow> {
    const { rotations, overrides, leave } = await this.loadOnCall(at);
    return onCallAt(rotations, overrides, leave, at);
  }

  /**
   * The rota changed in this instance (each write through this service calls it): a load started
   * before it serves nobody who asks after it.
   */
  changed(): void {
    this.onCallLoad = undefined;
  }

  /**
   * The rota for an on-call look at `at`. Looks while a load is in flight share it (a storm pages many
   * alerts at once) when it started no later than `at` and less than a minute before: its window then
   * still reaches past the 400 days onCallAt looks ahead. A finished load serves looks less than
   * ON_CALL_REUSE_MS after its start, until the rota changes in this instance (`changed`): a change
   * made through another instance reaches pages within that second.
   */
  private loadOnCall(at: Date): ReturnType<RotaService['load']> {
    const held = this.onCallLoad;
    const t = at.getTime();
    if (
      held &&
      held.from <= t &&
      t - held.from < (held.finished ? ON_CALL_REUSE_MS : SHARED_LOAD_MS)
    )
      return held.value;
    const value = this.load(at, new Date(t + ON_CALL_LOOKAHEAD_MS));
    const entry: NonNullable<RotaService['onCallLoad']> = { from: t, value };
    this.onCallLoad = entry;
    value.then(
      () => {
        entry.finished = true;
      },
      () => {
        if (this.onCallLoad === entry) this.onCallLoad = undefined;
      },
    );
    return value;
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

  /**
   * A lead or admin creates a layer's rotation, or edits it when `etag` (the version the form was
   * filled from) is given. An edit from an out-of-date form is refused rather than overwriting.
   */
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
   * Saves a rotation from the setup form: people added by email join CTAC first (see
   * addPeopleBySignInName, with the team's roster for their Teams ids), then follow the people
   * chosen, who keep their order.
   */
  async setupRotationWithPeople(
    actor: Member | undefined,
    input: Omit<RotationInput, 'memberIds'> & { memberIds: readonly string[] },
    newPeople: { signInNames: readonly string[]; orgCode: string; roster?: RosterReader },
    etag?: string,
  ): Promise<{ rotation: Rotation; created: boolean }> {
    const added = await this.addPeopleBySignInName(
      actor,
      newPeople.signInNames,
      newPeople.orgCode,
      newPeople.roster,
    );
    const memberIds = mergeMemberIds(input.memberIds, added);
    return this.setupRotation(actor, { ...input, memberIds }, etag);
  }

  /**
   * `memberId` takes `coveredMemberId`'s shifts for a time. A member may offer to cover someone
   * themselves; arranging cover between two other people is for leads.
   */
  cover(actor: Member | undefined, input: OverrideInput): Promise<RotaOverride> {
    return this.changes.cover(actor, input);
  }

  /** A lead adds someone to a layer, or takes someone off, for a time. */
  addOverride(actor: Member | undefined, input: OverrideInput): Promise<RotaOverride> {
    return this.changes.addOverride(actor, input);
  }

  /** Undoes an override: a lead, or whoever made it. */
  removeOverride(actor: Member | undefined, id: string): Promise<RotaOverride> {
    return this.changes.removeOverride(actor, id);
  }

  /** Takes back leave: whoever it is for or made it, or a lead. */
  removeLeave(actor: Member | undefined, id: string): Promise<Leave> {
    return this.changes.removeLeave(actor, id);
  }

  /** Covers, other overrides and leave that have not ended by `from` and start before `to`. */
  changesBetween(from: Date, to: Date): Promise<{ overrides: RotaOverride[]; leave: Leave[] }> {
    return this.changes.between(from, to);
  }

  /** A member marks time they cannot be on call; a lead can do it for anyone. */
  addLeave(actor: Member | undefined, input: LeaveInput): Promise<Leave> {
    return this.changes.addLeave(actor, input);
  }

  /**
   * Marks leave (see addLeave) and answers with the times it leaves nobody on call, so the person
   * can be told a lead will need to arrange cover.
   */
  async markLeave(
    actor: Member | undefined,
    input: LeaveInput,
  ): Promise<{ leave: Leave; gaps: RotaGap[] }> {
    const leave = await this.addLeave(actor, input);
    const { gaps } = await this.schedule(leave.start, leave.end);
    return { leave, gaps };
  }

  /** A member offers one of their shifts to another member (a lead may offer anyone's). */
  proposeSwap(actor: Member | undefined, input: SwapInput): Promise<SwapRequest> {
    return this.swaps.propose(actor, input);
  }

  /** A lead changes who takes a shift directly, with no one asked. */
  applySwapDirectly(actor: Member | undefined, input: SwapInput): Promise<SwapRequest> {
    return this.swaps.applyDirectly(actor, input);
  }

  /** Accept, decline, approve or cancel a swap from its card; the outcome says who to tell. */
  answerSwap(
    actor: Member | undefined,
    swapId: string,
    answer: SwapAnswer,
    reason?: string,
  ): Promise<SwapOutcome> {
    return this.swaps.answer(actor, swapId, answer, reason);
  }

  /** Whether leads can add people by email (Graph is configured). */
  get canFindPeople(): boolean {
    return !!this.deps.lookup;
  }

  listOrganisations() {
    return this.deps.organisations.list();
  }

  /**
   * A lead adds people to CTAC by email or sign-in name before they have used the bot (see
   * rota-people): answers their ids in the order given; a mistake adds nobody. `roster` reads the
   * team's roster, from which the new members take their Teams ids.
   */
  async addPeopleBySignInName(
    actor: Member | undefined,
    names: readonly string[],
    orgCode: string,
    roster?: RosterReader,
  ): Promise<string[]> {
    const wanted = [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
    if (wanted.length === 0) return [];
    const lead = this.deps.directory.require(actor, 'lead', 'add people to the rota');
    return addPeopleBySignInName(this.deps, lead, wanted, orgCode, roster);
  }

  getSwap(id: string): Promise<SwapRequest | undefined> {
    return this.swaps.get(id);
  }

  /** Everyone the rota can name, by Entra object id, with their organisation. */
  people(): Promise<Map<string, RotaPerson>> {
    return rotaPeople(this.deps);
  }

  /** Everyone named must be a CTAC member: the rota pages them. */
  private requireMembers(ids: readonly string[]): Promise<void> {
    return requireRotaMembers(this.deps, ids);
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
