import type { RotaLayer } from './rota-layer';

/** One person on call in one layer from `start` (inclusive) to `end` (exclusive), both UTC instants. */
export interface OnCallShift {
  layer: RotaLayer;
  memberId: string;
  start: Date;
  end: Date;
  /** Set when the shift comes straight from a rotation. */
  rotationId?: string;
  /** Set when the member is covering someone else's shift. */
  coveringFor?: string;
}

/** A shift as the rotation itself schedules it, before overrides and leave. */
export interface RotationShift extends OnCallShift {
  rotationId: string;
  /** 0 for the rotation's first shift, counting up. */
  index: number;
}
