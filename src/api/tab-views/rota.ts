import type { RotaView } from '../../contract/rota';
import type { OnCallNow, RotaGap, RotaPerson, RotaWindow } from '../../domain/rota';
import { formatUkDateTime } from '../../domain/shared/time';

export function rotaView(
  now: OnCallNow,
  window: RotaWindow,
  people: ReadonlyMap<string, RotaPerson>,
): RotaView {
  const name = (id: string) => people.get(id)?.name ?? 'someone no longer in CTAC';
  return {
    layers: [now.primary, now.secondary].map((l) => ({
      layer: l.layer === 'primary' ? 'Primary' : 'Secondary',
      now: l.onCall.map((a) => name(a.memberId)),
      gapNow: l.gap,
      ...(l.until && { untilUk: formatUkDateTime(l.until) }),
      next: l.next?.onCall.map((a) => name(a.memberId)) ?? [],
    })),
    shifts: window.shifts
      .map((s) => ({
        layer: s.layer === 'primary' ? 'Primary' : 'Secondary',
        who: name(s.memberId),
        start: s.start.toISOString(),
        startUk: formatUkDateTime(s.start),
        endUk: formatUkDateTime(s.end),
        ...(s.coveringFor && { coveringFor: name(s.coveringFor) }),
      }))
      .sort((a, b) => a.start.localeCompare(b.start) || a.layer.localeCompare(b.layer)),
    gaps: window.gaps.map((g: RotaGap) => ({
      layer: g.layer === 'primary' ? 'Primary' : 'Secondary',
      startUk: formatUkDateTime(g.start),
      endUk: formatUkDateTime(g.end),
    })),
  };
}
