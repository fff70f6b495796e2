import { isExerciseAlert, type AlertEvent } from '../domain/alerts';
import type { Member } from '../domain/people/member';
import type { Risk } from '../domain/risk/risk';
import { formatUkDateTime } from '../domain/shared/time';
import type { ExportSheet } from './export-files';
import {
  AUDIT_TRAIL_HEADER,
  AuditLine,
  adminLine,
  alertReference,
  decisionLine,
  hsaEventDetail,
  overrideDetail,
  riskEventDetail,
} from './export-sheets';
import type { ExportsDeps } from './exports';

/**
 * The audit trail export: every recorded event of a range in one sheet, oldest first: alert
 * timelines and HSA responses (real alerts only, never an exercise's), risk histories, decisions, rota
 * changes, and for admins the admins' audit log.
 */
export type AuditTrailDeps = Pick<
  ExportsDeps,
  'alerts' | 'hsa' | 'rota' | 'risks' | 'decisions' | 'members' | 'auditLog'
>;

/** How far before the range the audit trail looks for alerts whose later events fall in it. */
const AUDIT_ALERT_LOOKBACK_MS = 90 * 86_400_000;
/** How far past the range the audit trail looks for rota changes made in it for later dates. */
const ROTA_LOOKAHEAD_MS = 400 * 86_400_000;

/** The audit trail of [start, end) for `caller`; `eventDetail` words an alert event as the export does. */
export async function auditTrailSheet(
  deps: AuditTrailDeps,
  eventDetail: (event: AlertEvent) => string,
  caller: Member,
  start: Date,
  end: Date,
): Promise<ExportSheet> {
  const inRange = (at: string | Date) => {
    const t = new Date(at).getTime();
    return t >= start.getTime() && t < end.getTime();
  };
  const lines: AuditLine[] = [];
  const [alerts, risks, decisions, members] = await Promise.all([
    deps.alerts.raisedBetween(new Date(start.getTime() - AUDIT_ALERT_LOOKBACK_MS), end),
    risksWithHistory(deps),
    deps.decisions.listAll(caller),
    deps.members.list(),
  ]);
  const nameOf = (id: string) => members.find((m) => m.aadObjectId === id)?.name ?? id;
  for (const alert of alerts.filter((a) => !isExerciseAlert(a))) {
    for (const event of alert.timeline)
      if (inRange(event.at))
        lines.push({
          at: event.at,
          area: 'Alert',
          reference: alertReference(alert),
          event: event.kind,
          who: event.actor.name || event.actor.id,
          source: event.source,
          detail: eventDetail(event),
        });
    if (alert.source !== 'hsa') continue;
    for (const event of await deps.hsa.events(alert.id))
      if (inRange(event.at))
        lines.push({
          at: event.at,
          area: 'HSA response',
          reference: `${alertReference(alert)} ${event.orgCode}`,
          event: `response.${event.kind}`,
          who: event.actor.name || event.actor.id,
          source: event.source,
          detail: hsaEventDetail(event),
        });
  }
  for (const risk of risks)
    for (const event of risk.history)
      if (inRange(event.at))
        lines.push({
          at: event.at,
          area: 'Risk',
          reference: risk.id,
          event: `risk.${event.kind}`,
          who: event.actor.name || event.actor.id,
          source: event.source,
          detail: riskEventDetail(risk, event),
        });
  for (const decision of decisions)
    if (inRange(decision.loggedAt)) lines.push(decisionLine(decision));
  const rotaEnd = new Date(end.getTime() + ROTA_LOOKAHEAD_MS);
  const [overrides, leave, swaps] = await Promise.all([
    deps.rota.overrides(start, rotaEnd),
    deps.rota.leave(start, rotaEnd),
    deps.rota.swapEvents(start, rotaEnd),
  ]);
  // A cover, an addition or leave, as entered: when, by whom, and what it says.
  const rotaEntry = (
    entry: { id: string; createdAt: Date; createdBy: string },
    event: string,
    detail: string,
  ): AuditLine => ({
    at: entry.createdAt.toISOString(),
    area: 'Rota',
    reference: entry.id,
    event,
    who: nameOf(entry.createdBy),
    source: '',
    detail,
  });
  for (const o of overrides)
    if (inRange(o.createdAt))
      lines.push(rotaEntry(o, `override.${o.kind}`, overrideDetail(o, nameOf)));
  for (const l of leave)
    if (inRange(l.createdAt))
      lines.push(
        rotaEntry(
          l,
          'leave',
          `${nameOf(l.memberId)} away ${formatUkDateTime(l.start)} to ${formatUkDateTime(l.end)}${l.note ? `: ${l.note}` : ''}`,
        ),
      );
  for (const s of swaps)
    if (inRange(s.at))
      lines.push({
        at: s.at.toISOString(),
        area: 'Rota',
        reference: s.swapId,
        event: s.kind,
        who: s.actor.name || s.actor.id,
        source: s.source,
        detail: `${s.from ? `${s.from} to ` : ''}${s.to}${s.reason ? `: ${s.reason}` : ''}`,
      });
  // Admin changes (roles, organisations, policies) are in the admins' audit log: admins only.
  if (caller.role === 'admin')
    for (const entry of await deps.auditLog.all(caller))
      if (inRange(entry.at)) lines.push(adminLine(entry));
  lines.sort((a, b) => a.at.localeCompare(b.at) || a.area.localeCompare(b.area));
  return {
    name: 'Audit trail',
    header: AUDIT_TRAIL_HEADER,
    rows: lines.map((l) => [
      formatUkDateTime(l.at),
      l.area,
      l.reference,
      l.event,
      l.who,
      l.source,
      l.detail,
    ]),
  };
}

/** Every risk with its history: the register's rows, then each risk read whole, 8 at a time. */
async function risksWithHistory(deps: Pick<AuditTrailDeps, 'risks'>): Promise<Risk[]> {
  const listed = await deps.risks.listAll();
  const out: Risk[] = [];
  for (let i = 0; i < listed.length; i += 8) {
    const read = await Promise.all(listed.slice(i, i + 8).map((r) => deps.risks.get(r.id)));
    for (const stored of read) if (stored) out.push(stored.risk);
  }
  return out;
}
