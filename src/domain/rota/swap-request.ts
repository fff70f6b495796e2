import { cleanLine } from '../shared/clean-text';
import { hasRole, type Role } from '../people/member';
import type { Actor, EventSource } from '../shared/actor';
import { CtacError } from '../shared/errors';
import { overlaps, toInstant } from './instant';
import { normaliseMemberId } from './member-id';
import { MAX_NOTE } from './range-input';
import { isRotaLayer, type RotaLayer } from './rota-layer';
import type { CoverOverride } from './rota-override';

/**
 * A swap's life: `proposed`, then `accepted` or `declined` by the other member, or `cancelled` by
 * the proposer; a lead can `approve` a proposed swap, or apply one directly (straight to `approved`).
 * Accepted and approved swaps are in effect.
 */
export type SwapStatus = 'proposed' | 'accepted' | 'declined' | 'cancelled' | 'approved';

export const SWAP_IN_EFFECT: readonly SwapStatus[] = ['accepted', 'approved'];

/** A time range of a shift being swapped. */
export interface SwapShift {
  start: Date;
  end: Date;
}

/** `fromMemberId` asks `toMemberId` to take `shift`, optionally taking `inReturn` off them. */
export interface SwapRequest {
  id: string;
  layer: RotaLayer;
  rotationId?: string;
  /** Whose shift it is. */
  fromMemberId: string;
  /** Who is asked to take it. */
  toMemberId: string;
  shift: SwapShift;
  /** A shift of `toMemberId`'s that `fromMemberId` takes in exchange, if any. */
  inReturn?: SwapShift;
  note?: string;
  status: SwapStatus;
  /** Entra object id of whoever proposed it (the member, or a lead on their behalf). */
  proposedBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Who accepted, declined, cancelled or approved it. */
  decidedBy?: string;
  decidedAt?: Date;
}

/** The kinds of event in a swap's audit trail. */
export type SwapEventKind =
  | 'swap_proposed'
  | 'swap_accepted'
  | 'swap_declined'
  | 'swap_cancelled'
  | 'swap_approved'
  | 'swap_applied';

/** One change to a swap: what happened, who did it, from where and when. */
export interface SwapEvent {
  kind: SwapEventKind;
  swapId: string;
  actor: Actor;
  source: EventSource;
  at: Date;
  from?: SwapStatus;
  to: SwapStatus;
  reason?: string;
}

/** Who is acting and when; `role` comes from the member directory. */
export interface SwapContext {
  actor: Actor;
  role: Role;
  at: Date;
}

/**
 * The result of a transition. Repeating what already happened (pressing Accept twice) is not an
 * error: the swap comes back unchanged with no event.
 */
export type SwapTransition =
  { changed: true; swap: SwapRequest; event: SwapEvent } | { changed: false; swap: SwapRequest };

/** What a form or command sends to propose (or directly apply) a swap. */
export interface SwapInput {
  layer?: unknown;
  rotationId?: unknown;
  fromMemberId?: unknown;
  toMemberId?: unknown;
  /** `{ start, end }` as Dates or ISO 8601 strings with an offset. */
  shift?: unknown;
  inReturn?: unknown;
  note?: unknown;
}

/** A member (or a lead for them) proposes a swap; the other member is then asked. */
export function proposeSwap(id: string, input: SwapInput, ctx: SwapContext): SwapTransition {
  const draft = normaliseSwap(id, input, ctx);
  if (ctx.actor.id !== draft.fromMemberId && !hasRole(ctx, 'lead'))
    throw new CtacError('forbidden', 'You can only offer your own shifts for a swap.');
  const swap: SwapRequest = { ...draft, status: 'proposed' };
  return { changed: true, swap, event: event('swap_proposed', swap, ctx, undefined) };
}

/** A lead makes the swap directly, without asking the other member. */
export function applySwapDirectly(id: string, input: SwapInput, ctx: SwapContext): SwapTransition {
  if (!hasRole(ctx, 'lead'))
    throw new CtacError('forbidden', 'Only a lead can change the rota directly.');
  const draft = normaliseSwap(id, input, ctx);
  const swap: SwapRequest = {
    ...draft,
    status: 'approved',
    decidedBy: ctx.actor.id,
    decidedAt: ctx.at,
  };
  return { changed: true, swap, event: event('swap_applied', swap, ctx, undefined) };
}

/** The member asked accepts: the swap is in effect. */
export function acceptSwap(swap: SwapRequest, ctx: SwapContext): SwapTransition {
  if (ctx.actor.id !== swap.toMemberId)
    throw new CtacError(
      'forbidden',
      'Only the member asked to take the shift can accept this swap.',
    );
  if (SWAP_IN_EFFECT.includes(swap.status)) return { changed: false, swap };
  refuseUnlessProposed(swap, 'accepted');
  refuseIfOver(swap, ctx);
  return move(swap, 'accepted', 'swap_accepted', ctx);
}

/** The member asked says no. */
export function declineSwap(swap: SwapRequest, ctx: SwapContext, reason?: string): SwapTransition {
  if (ctx.actor.id !== swap.toMemberId)
    throw new CtacError(
      'forbidden',
      'Only the member asked to take the shift can decline this swap.',
    );
  if (swap.status === 'declined') return { changed: false, swap };
  refuseUnlessProposed(swap, 'declined');
  return move(swap, 'declined', 'swap_declined', ctx, reason);
}

/** The proposer (or a lead) withdraws a swap nobody has answered yet. */
export function cancelSwap(swap: SwapRequest, ctx: SwapContext, reason?: string): SwapTransition {
  const own = ctx.actor.id === swap.fromMemberId || ctx.actor.id === swap.proposedBy;
  if (!own && !hasRole(ctx, 'lead'))
    throw new CtacError(
      'forbidden',
      'Only the member who offered the shift, or a lead, can cancel this swap.',
    );
  if (swap.status === 'cancelled') return { changed: false, swap };
  refuseUnlessProposed(swap, 'cancelled');
  return move(swap, 'cancelled', 'swap_cancelled', ctx, reason);
}

/** A lead approves a proposed swap without waiting for the other member. */
export function approveSwap(swap: SwapRequest, ctx: SwapContext): SwapTransition {
  if (!hasRole(ctx, 'lead')) throw new CtacError('forbidden', 'Only a lead can approve a swap.');
  if (SWAP_IN_EFFECT.includes(swap.status)) return { changed: false, swap };
  refuseUnlessProposed(swap, 'approved');
  refuseIfOver(swap, ctx);
  return move(swap, 'approved', 'swap_approved', ctx);
}

/**
 * The cover overrides that put an accepted or approved swap into effect (none otherwise): the
 * other member covers the shift, and the proposer covers the shift taken in return.
 */
export function swapOverrides(swap: SwapRequest): CoverOverride[] {
  if (!SWAP_IN_EFFECT.includes(swap.status)) return [];
  const common = {
    kind: 'cover' as const,
    layer: swap.layer,
    createdBy: swap.decidedBy ?? swap.proposedBy,
    createdAt: swap.decidedAt ?? swap.updatedAt,
    swapId: swap.id,
  };
  const overrides: CoverOverride[] = [
    {
      ...common,
      id: `${swap.id}:shift`,
      memberId: swap.toMemberId,
      coveredMemberId: swap.fromMemberId,
      ...swap.shift,
    },
  ];
  if (swap.inReturn)
    overrides.push({
      ...common,
      id: `${swap.id}:in-return`,
      memberId: swap.fromMemberId,
      coveredMemberId: swap.toMemberId,
      ...swap.inReturn,
    });
  return overrides;
}

const STATUS_WORDS: Record<SwapStatus, string> = {
  proposed: 'is waiting for an answer',
  accepted: 'has already been accepted',
  declined: 'was declined',
  cancelled: 'was cancelled',
  approved: 'has already been approved',
};

function refuseUnlessProposed(swap: SwapRequest, target: SwapStatus): void {
  if (swap.status !== 'proposed')
    throw new CtacError(
      'conflict',
      `This swap ${STATUS_WORDS[swap.status]}, so it can no longer be ${target}.`,
    );
}

function refuseIfOver(swap: SwapRequest, ctx: SwapContext): void {
  if (ctx.at.getTime() >= swap.shift.end.getTime())
    throw new CtacError('conflict', 'The shift in this swap has already ended.');
}

function move(
  swap: SwapRequest,
  to: SwapStatus,
  kind: SwapEventKind,
  ctx: SwapContext,
  reason?: string,
): SwapTransition {
  const next: SwapRequest = {
    ...swap,
    status: to,
    updatedAt: ctx.at,
    decidedBy: ctx.actor.id,
    decidedAt: ctx.at,
  };
  const cleanReason = reason ? cleanLine(reason).slice(0, MAX_NOTE) : '';
  return { changed: true, swap: next, event: event(kind, next, ctx, swap.status, cleanReason) };
}

function event(
  kind: SwapEventKind,
  swap: SwapRequest,
  ctx: SwapContext,
  from: SwapStatus | undefined,
  reason?: string,
): SwapEvent {
  return {
    kind,
    swapId: swap.id,
    actor: ctx.actor,
    source: ctx.actor.source,
    at: ctx.at,
    ...(from ? { from } : {}),
    to: swap.status,
    ...(reason ? { reason } : {}),
  };
}

function normaliseSwap(
  id: string,
  input: SwapInput,
  ctx: SwapContext,
): Omit<SwapRequest, 'status'> {
  const problems: string[] = [];
  const layer = typeof input.layer === 'string' ? input.layer.trim().toLowerCase() : '';
  if (!isRotaLayer(layer)) problems.push('The layer must be primary or secondary.');
  const fromMemberId = normaliseMemberId(input.fromMemberId);
  const toMemberId = normaliseMemberId(input.toMemberId);
  if (!fromMemberId) problems.push('Choose whose shift is being swapped.');
  if (!toMemberId) problems.push('Choose who to swap with.');
  else if (toMemberId === fromMemberId) problems.push('Choose someone else to swap with.');
  const shift = readShift(input.shift, 'the shift', problems);
  const inReturn =
    input.inReturn === undefined || input.inReturn === null
      ? undefined
      : readShift(input.inReturn, 'the shift in return', problems);
  if (shift && ctx.at.getTime() >= shift.end.getTime())
    problems.push('The shift has already ended.');
  if (shift && inReturn && overlaps(shift.start, shift.end, inReturn.start, inReturn.end))
    problems.push('The two shifts overlap; choose a different shift in return.');
  const note = typeof input.note === 'string' ? cleanLine(input.note) : '';
  if (note.length > MAX_NOTE) problems.push(`The note must be at most ${MAX_NOTE} characters.`);
  const rotationId =
    typeof input.rotationId === 'string' && input.rotationId.trim()
      ? input.rotationId.trim()
      : undefined;
  if (problems.length) throw new CtacError('validation', 'Please check the swap.', problems);
  return {
    id,
    layer: layer as RotaLayer,
    ...(rotationId ? { rotationId } : {}),
    fromMemberId: fromMemberId!,
    toMemberId: toMemberId!,
    shift: shift!,
    ...(inReturn ? { inReturn } : {}),
    ...(note ? { note } : {}),
    proposedBy: ctx.actor.id,
    createdAt: ctx.at,
    updatedAt: ctx.at,
  };
}

function readShift(value: unknown, what: string, problems: string[]): SwapShift | undefined {
  const raw =
    value && typeof value === 'object' ? (value as { start?: unknown; end?: unknown }) : {};
  const start = toInstant(raw.start);
  const end = toInstant(raw.end);
  if (!start || !end) {
    problems.push(`Give the start and end of ${what}.`);
    return undefined;
  }
  if (end.getTime() <= start.getTime()) {
    problems.push(`The end of ${what} must be after its start.`);
    return undefined;
  }
  return { start, end };
}
