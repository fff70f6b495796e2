import type { OnCallShift } from './on-call-shift';
import { ROTA_LAYERS } from './rota-layer';
import type { RotaSchedule } from './schedule';

/**
 * The final schedule as one shift per person per unbroken stretch on call (for calendar feeds and
 * the `rota` listing). Shifts are cut at the schedule's window, like its segments.
 */
export function scheduleShifts(schedule: RotaSchedule): OnCallShift[] {
  const shifts: OnCallShift[] = [];
  for (const layer of ROTA_LAYERS) {
    const open = new Map<string, OnCallShift>();
    for (const segment of schedule.layers[layer]) {
      for (const assignment of segment.onCall) {
        const coveringFor = assignment.via === 'cover' ? assignment.coveringFor : undefined;
        const key = `${assignment.memberId}|${coveringFor ?? ''}`;
        const running = open.get(key);
        if (running && running.end.getTime() === segment.start.getTime()) {
          running.end = segment.end;
          continue;
        }
        const shift: OnCallShift = {
          layer,
          memberId: assignment.memberId,
          start: segment.start,
          end: segment.end,
          ...(assignment.via === 'rotation' ? { rotationId: assignment.rotationId } : {}),
          ...(coveringFor ? { coveringFor } : {}),
        };
        open.set(key, shift);
        shifts.push(shift);
      }
    }
  }
  return shifts.sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.layer.localeCompare(b.layer),
  );
}
