import ical, { ICalEventTransparency } from 'ical-generator';

import type { OnCallShift } from '../domain/rota/on-call-shift';
import { formatUkDateTime } from '../domain/shared/time';

/** What goes into a calendar feed: the whole rota's shifts, or one member's. */
export interface RotaCalendarInput {
  /** Shown as the calendar's name in Outlook, e.g. "CTAC on-call rota" or "CTAC on call: Jane Smith". */
  name: string;
  shifts: readonly OnCallShift[];
  /** Display names by Entra object id; anyone missing shows as "Unknown member". */
  memberNames: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** When the feed is built (DTSTAMP); passed in so output is reproducible. */
  now: Date;
}

/** How often subscribers are asked to refresh the feed, in seconds. */
export const FEED_REFRESH_SECONDS = 3600;

/**
 * An iCalendar (RFC 5545) feed with one event per shift, in UTC. Each event's UID comes from its
 * layer, member and start, so the same shift keeps its UID between builds and Outlook updates it
 * in place rather than duplicating it. Events are marked free so on-call does not block diaries.
 */
export function buildRotaCalendar(input: RotaCalendarInput): string {
  const calendar = ical({
    name: input.name,
    prodId: { company: 'CTAC', product: 'On-call rota', language: 'EN' },
    ttl: FEED_REFRESH_SECONDS,
  });
  const nameOf = (id: string): string =>
    (input.memberNames instanceof Map
      ? input.memberNames.get(id)
      : (input.memberNames as Readonly<Record<string, string>>)[id]) ?? 'Unknown member';

  const seen = new Set<string>();
  const shifts = [...input.shifts].sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.layer.localeCompare(b.layer),
  );
  for (const shift of shifts) {
    const uid = shiftUid(shift);
    // The same person twice in a layer at the same moment is one shift to a calendar.
    if (seen.has(uid)) continue;
    seen.add(uid);
    const description = [
      `${shift.layer === 'primary' ? 'Primary' : 'Secondary'} on call from ${formatUkDateTime(shift.start)} to ${formatUkDateTime(shift.end)} (UK time).`,
      ...(shift.coveringFor ? [`Covering for ${nameOf(shift.coveringFor)}.`] : []),
    ].join('\n');
    calendar.createEvent({
      id: uid,
      start: shift.start,
      end: shift.end,
      stamp: input.now,
      summary: `CTAC on call (${shift.layer}): ${nameOf(shift.memberId)}`,
      description,
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

/** A UID that stays the same for the same shift: layer, member and start instant. */
export function shiftUid(shift: Pick<OnCallShift, 'layer' | 'memberId' | 'start'>): string {
  const start = shift.start
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `ctac-${shift.layer}-${shift.memberId}-${start}@ctac`;
}
