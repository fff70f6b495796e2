import type { OnCallShift } from './on-call-shift';
import type { RotaGap, RotaSchedule } from './schedule';
import type { Rotation } from './rotation';

/** The schedule for a window, with its gaps and one shift per person per stretch. */
export interface RotaWindow {
  schedule: RotaSchedule;
  gaps: RotaGap[];
  shifts: OnCallShift[];
  rotations: Rotation[];
}
