import type { Leave } from './leave';
import type { Rotation } from './rotation';
import { ROTA_LAYERS, type RotaLayer } from './rota-layer';
import type { RotaOverride } from './rota-override';
import {
  scheduleBetween,
  type OnCallAssignment,
  type ScheduleSegment,
  type Unavailable,
} from './schedule';

const DAY_MS = 86_400_000;
/** How far ahead to look for the next change: short first, as most answers are found within days. */
const LOOKAHEAD_DAYS = [14, 100, 400];

/** Who is on call in one layer at an instant, and until when. */
export interface LayerOnCallNow {
  layer: RotaLayer;
  /** Everyone on call now; empty means a gap. */
  onCall: OnCallAssignment[];
  gap: boolean;
  /** People who would be on call now but are on leave or taken off. */
  unavailable: Unavailable[];
  /** When the people on call next change (a handover, cover, leave...); undefined if not within 400 days. */
  until?: Date;
  /** The stretch that follows `until`: who comes next (its end may be the lookahead's limit). */
  next?: ScheduleSegment;
}

/** Who is primary and who is secondary at `at`. */
export interface OnCallNow {
  at: Date;
  primary: LayerOnCallNow;
  secondary: LayerOnCallNow;
}

/** Who is on call at `at`, in each layer, after overrides and leave; with the next change and who comes next. */
export function onCallAt(
  rotations: readonly Rotation[],
  overrides: readonly RotaOverride[],
  leave: readonly Leave[],
  at: Date,
): OnCallNow {
  const result = {} as Record<RotaLayer, LayerOnCallNow>;
  for (const layer of ROTA_LAYERS) {
    const layerRotations = rotations.filter((r) => r.layer === layer);
    let segments: ScheduleSegment[] = [];
    let windowEnd = at;
    for (const days of LOOKAHEAD_DAYS) {
      windowEnd = new Date(at.getTime() + days * DAY_MS);
      segments = scheduleBetween(layerRotations, overrides, leave, at, windowEnd).layers[layer];
      // Three segments mean the next one is whole; fewer and it may run past the window.
      if (segments.length >= 3) break;
    }
    const now = segments[0]!;
    const ended = now.end.getTime() < windowEnd.getTime();
    result[layer] = {
      layer,
      onCall: now.onCall,
      gap: now.gap,
      unavailable: now.unavailable,
      ...(ended ? { until: now.end } : {}),
      ...(segments[1] ? { next: segments[1] } : {}),
    };
  }
  return { at, primary: result.primary, secondary: result.secondary };
}
