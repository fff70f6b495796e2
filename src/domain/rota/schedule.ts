import { isOnLeave, type Leave } from './leave';
import type { Rotation } from './rotation';
import { shiftAt, shiftsBetween } from './rotation-shifts';
import { ROTA_LAYERS, type RotaLayer } from './rota-layer';
import { appliesToLayer, type CoverOverride, type RotaOverride } from './rota-override';

/** Why a member is on call at a moment: the rotation, covering someone, or added by a lead. */
export type OnCallAssignment =
  | { memberId: string; via: 'rotation'; rotationId: string }
  | { memberId: string; via: 'cover'; coveringFor: string; overrideId: string }
  | { memberId: string; via: 'add'; overrideId: string };

/** Someone who would have been on call but is not: on leave, or taken off by a remove override. */
export interface Unavailable {
  memberId: string;
  reason: 'leave' | 'removed';
}

/** A stretch of one layer's final schedule during which the same people are on call, for the same reasons. */
export interface ScheduleSegment {
  layer: RotaLayer;
  start: Date;
  end: Date;
  /** Everyone on call in this layer; empty in a gap. */
  onCall: OnCallAssignment[];
  /** True when nobody is on call in this layer. */
  gap: boolean;
  /** People taken out of this stretch by leave or a remove override. */
  unavailable: Unavailable[];
}

/** The final schedule for [from, to): each layer's segments run back to back over the whole window. */
export interface RotaSchedule {
  from: Date;
  to: Date;
  layers: Record<RotaLayer, ScheduleSegment[]>;
}

/** A stretch of a layer with nobody on call. */
export interface RotaGap {
  layer: RotaLayer;
  start: Date;
  end: Date;
  /** Who would have been on call; empty when the rotation schedules nobody (e.g. no rotation yet). */
  unavailable: Unavailable[];
}

/**
 * Who is on call in a layer at one instant, after overrides and leave. Precedence:
 * 1. the layer's rotations schedule their members, and `add` overrides add people;
 * 2. a `cover` replaces the person it covers (the most recently created cover wins if two overlap);
 *    covers do not chain, so covering a coverer has no effect;
 * 3. anyone then on leave, or taken off by a `remove`, is not on call, even when covering or added:
 *    it is safer to show a gap to the leads than to page someone who is away.
 */
export function onCallInLayer(
  layer: RotaLayer,
  rotations: readonly Rotation[],
  overrides: readonly RotaOverride[],
  leave: readonly Leave[],
  at: Date,
): { onCall: OnCallAssignment[]; unavailable: Unavailable[] } {
  const scheduled: OnCallAssignment[] = [];
  for (const rotation of rotations) {
    if (rotation.layer !== layer) continue;
    const shift = shiftAt(rotation, at);
    if (shift)
      scheduled.push({ memberId: shift.memberId, via: 'rotation', rotationId: rotation.id });
  }
  return applyChanges(layer, scheduled, overrides, leave, at);
}

/** Steps 1 (adds) to 3 of `onCallInLayer`, given who the rotations schedule. */
function applyChanges(
  layer: RotaLayer,
  scheduled: OnCallAssignment[],
  overrides: readonly RotaOverride[],
  leave: readonly Leave[],
  at: Date,
): { onCall: OnCallAssignment[]; unavailable: Unavailable[] } {
  const t = at.getTime();
  const active = overrides.filter((o) => o.start.getTime() <= t && t < o.end.getTime());

  const candidates = [...scheduled];
  for (const o of active)
    if (o.kind === 'add' && o.layer === layer)
      candidates.push({ memberId: o.memberId, via: 'add', overrideId: o.id });

  const covered = candidates.map((candidate): OnCallAssignment => {
    const cover = latestCover(active, layer, candidate.memberId);
    return cover
      ? {
          memberId: cover.memberId,
          via: 'cover',
          coveringFor: candidate.memberId,
          overrideId: cover.id,
        }
      : candidate;
  });

  const onCall: OnCallAssignment[] = [];
  const unavailable: Unavailable[] = [];
  for (const assignment of covered) {
    const { memberId } = assignment;
    const reason = unavailableReason(layer, memberId, active, leave, at);
    if (reason) {
      if (!unavailable.some((u) => u.memberId === memberId)) unavailable.push({ memberId, reason });
    } else if (!onCall.some((a) => a.memberId === memberId)) onCall.push(assignment);
  }
  return { onCall, unavailable };
}

function unavailableReason(
  layer: RotaLayer,
  memberId: string,
  active: readonly RotaOverride[],
  leave: readonly Leave[],
  at: Date,
): Unavailable['reason'] | undefined {
  if (isOnLeave(leave, memberId, at)) return 'leave';
  if (
    active.some((o) => o.kind === 'remove' && o.memberId === memberId && appliesToLayer(o, layer))
  )
    return 'removed';
  return undefined;
}

function latestCover(
  active: readonly RotaOverride[],
  layer: RotaLayer,
  memberId: string,
): CoverOverride | undefined {
  let latest: CoverOverride | undefined;
  for (const o of active)
    if (o.kind === 'cover' && o.coveredMemberId === memberId && appliesToLayer(o, layer))
      if (!latest || o.createdAt.getTime() >= latest.createdAt.getTime()) latest = o;
  return latest;
}

/**
 * The final schedule for [from, to), layer by layer, after overrides and leave (see `onCallInLayer`
 * for precedence). Segments are cut at `from` and `to`; neighbouring stretches with the same people
 * for the same reasons are merged, so one person's consecutive shifts read as one stretch.
 */
export function scheduleBetween(
  rotations: readonly Rotation[],
  overrides: readonly RotaOverride[],
  leave: readonly Leave[],
  from: Date,
  to: Date,
): RotaSchedule {
  const layers = { primary: [], secondary: [] } as Record<RotaLayer, ScheduleSegment[]>;
  if (to.getTime() <= from.getTime()) return { from, to, layers };

  const relevantOverrides = overrides.filter((o) => o.start < to && from < o.end);
  const relevantLeave = leave.filter((l) => l.start < to && from < l.end);

  for (const layer of ROTA_LAYERS) {
    const shifts = rotations
      .filter((r) => r.layer === layer)
      .map((rotation) => ({ rotation, shifts: shiftsBetween(rotation, from, to), next: 0 }));
    const cuts = new Set<number>([from.getTime(), to.getTime()]);
    for (const { shifts: list } of shifts)
      for (const shift of list) cuts.add(shift.start.getTime());
    for (const item of [...relevantOverrides, ...relevantLeave]) {
      cuts.add(item.start.getTime());
      cuts.add(item.end.getTime());
    }
    const times = [...cuts]
      .filter((c) => c >= from.getTime() && c <= to.getTime())
      .sort((a, b) => a - b);

    const segments: ScheduleSegment[] = [];
    let previousKey = '';
    for (let i = 0; i < times.length - 1; i += 1) {
      const start = new Date(times[i]!);
      const end = new Date(times[i + 1]!);
      // Cut times only grow, so each rotation's shift list is walked once.
      const scheduled: OnCallAssignment[] = [];
      for (const entry of shifts) {
        while (entry.shifts[entry.next] && entry.shifts[entry.next]!.end <= start) entry.next += 1;
        const shift = entry.shifts[entry.next];
        if (shift && shift.start <= start)
          scheduled.push({
            memberId: shift.memberId,
            via: 'rotation',
            rotationId: entry.rotation.id,
          });
      }
      const { onCall, unavailable } = applyChanges(
        layer,
        scheduled,
        relevantOverrides,
        relevantLeave,
        start,
      );
      const key = JSON.stringify([onCall, unavailable]);
      const last = segments[segments.length - 1];
      if (last && key === previousKey) last.end = end;
      else segments.push({ layer, start, end, onCall, gap: onCall.length === 0, unavailable });
      previousKey = key;
    }
    layers[layer] = segments;
  }
  return { from, to, layers };
}

/** Every stretch with nobody on call, layer by layer; back-to-back gaps in a layer are joined. */
export function findGaps(schedule: RotaSchedule): RotaGap[] {
  const gaps: RotaGap[] = [];
  for (const layer of ROTA_LAYERS) {
    let open: RotaGap | undefined;
    for (const segment of schedule.layers[layer]) {
      if (!segment.gap) {
        open = undefined;
        continue;
      }
      if (open && open.end.getTime() === segment.start.getTime()) {
        open.end = segment.end;
        for (const u of segment.unavailable)
          if (!open.unavailable.some((o) => o.memberId === u.memberId)) open.unavailable.push(u);
      } else {
        open = {
          layer,
          start: segment.start,
          end: segment.end,
          unavailable: [...segment.unavailable],
        };
        gaps.push(open);
      }
    }
  }
  return gaps;
}
