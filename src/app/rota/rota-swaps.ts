import {
  acceptSwap,
  applySwapDirectly,
  approveSwap,
  cancelSwap,
  declineSwap,
  proposeSwap,
  whoToTellAboutSwap,
  type RotaLayer,
  type RotaSchedule,
  type SwapContext,
  type SwapInput,
  type SwapRequest,
  type SwapTransition,
} from '../../domain/rota';
import type { Member } from '../../domain/people/member';
import type { Actor } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Directory } from '../directory';
import type { SwapRepository } from './ports';

export type SwapAnswer = 'accept' | 'decline' | 'approve' | 'cancel';

/**
 * The result of answering a swap. `changed: false` means the answer was already given (pressing
 * Accept twice); `raced: true` means someone else changed the swap first and `swap` is what they left.
 * `tell` lists who should hear about the answer in their own chat (nobody when nothing changed).
 */
export interface SwapOutcome {
  swap: SwapRequest;
  changed: boolean;
  raced?: boolean;
  tell: string[];
}

export interface RotaSwapsDeps {
  swaps: SwapRepository;
  directory: Directory;
  clock: Clock;
  ids: IdGenerator;
  /** Refuses anyone who is not a CTAC member. */
  requireMembers(ids: readonly string[]): Promise<void>;
  /** The schedule over a time, to check a shift offered is really the proposer's. */
  scheduleOf(from: Date, to: Date): Promise<{ schedule: RotaSchedule }>;
}

/** Swapping shifts: offering one, a lead applying one directly, and answering from the card. */
export class RotaSwaps {
  constructor(private readonly deps: RotaSwapsDeps) {}

  /**
   * A member offers one of their shifts to another member (a lead may offer anyone's). The shift
   * must really be the proposer's in that layer, so a forged form cannot swap someone else's time.
   */
  async propose(actor: Member | undefined, input: SwapInput): Promise<SwapRequest> {
    const member = this.deps.directory.require(actor, 'member', 'swap shifts');
    return this.create(proposeSwap(this.deps.ids.next(), input, this.context(member)));
  }

  /** A lead changes who takes a shift directly, with no one asked. */
  async applyDirectly(actor: Member | undefined, input: SwapInput): Promise<SwapRequest> {
    const lead = this.deps.directory.require(actor, 'lead', 'change the rota directly');
    return this.create(applySwapDirectly(this.deps.ids.next(), input, this.context(lead)));
  }

  /** Accept, decline, approve or cancel a swap from its card. */
  async answer(
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
    if (!transition.changed) return { swap: transition.swap, changed: false, tell: [] };
    const res = await this.deps.swaps.update(transition.swap, stored.etag, transition.event);
    if (res.ok) {
      const swap = res.value.swap;
      return {
        swap,
        changed: true,
        tell: whoToTellAboutSwap(swap, 'answered', member.aadObjectId),
      };
    }
    const current = await this.deps.swaps.get(swapId);
    return { swap: current?.swap ?? stored.swap, changed: false, raced: true, tell: [] };
  }

  get(id: string): Promise<SwapRequest | undefined> {
    return this.deps.swaps.get(id).then((s) => s?.swap);
  }

  /** Checks the people and the shift, then saves a new swap with its first event. */
  private async create(transition: SwapTransition): Promise<SwapRequest> {
    const { swap } = transition;
    await this.deps.requireMembers([swap.toMemberId]);
    await this.requireOnCall(swap.fromMemberId, swap.layer, swap.shift);
    if (!transition.changed) return swap;
    const res = await this.deps.swaps.create(swap, transition.event);
    if (!res.ok) throw new CtacError('conflict', 'That swap was already saved.');
    return res.value.swap;
  }

  private context(member: Member): SwapContext {
    const actor: Actor = { id: member.aadObjectId, name: member.name, source: 'teams' };
    return { actor, role: member.role, at: this.deps.clock.now() };
  }

  private async requireOnCall(
    memberId: string,
    layer: RotaLayer,
    range: { start: Date; end: Date },
  ) {
    const { schedule } = await this.deps.scheduleOf(range.start, range.end);
    const covered = schedule.layers[layer].every((segment) =>
      segment.onCall.some((a) => a.memberId === memberId),
    );
    if (!covered)
      throw new CtacError('validation', 'Please check the swap.', [
        `That time is not all ${layer} on-call time of the person offering it.`,
      ]);
  }
}
