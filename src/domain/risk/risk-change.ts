import type { Actor } from '../shared/actor';
import { CtacError } from '../shared/errors';
import type { Risk } from './risk';
import type { RiskEvent } from './risk-events';
import type { RiskStatus } from './risk-status';

/** Who is making a change, and when (time is passed in, never read here). */
export interface ChangeContext {
  actor: Actor;
  at: Date;
}

/** The fields every risk event carries. */
export const eventBase = (riskId: string, context: ChangeContext) => ({
  riskId,
  at: context.at.toISOString(),
  actor: context.actor,
  source: context.actor.source,
});

/** The risk after an event: the event appended to its history and the update time moved on. */
export const withEvent = (risk: Risk, changes: Partial<Risk>, event: RiskEvent): Risk => ({
  ...risk,
  ...changes,
  updatedAt: event.at,
  history: [...risk.history, event],
});

/** A copy of the risk without the named optional fields (rather than leaving them present as undefined). */
export function without<K extends 'escalation' | 'infoRequest' | 'closure'>(
  risk: Risk,
  ...keys: K[]
): Risk {
  const copy = { ...risk };
  for (const key of keys) delete copy[key];
  return copy;
}

const STANDING: Readonly<Record<RiskStatus, string>> = {
  open: 'open',
  escalated: 'waiting for a decision from the ICS cyber group',
  accepted: 'accepted',
  treating: 'being treated',
  transferred: 'transferred',
  tolerated: 'tolerated',
  closed: 'closed',
};

/** Refuses a change the risk's status does not allow, saying where the risk stands. */
export function requireStatus(risk: Risk, allowed: readonly RiskStatus[], doing: string): void {
  if (allowed.includes(risk.status)) return;
  if (risk.status === 'closed')
    throw new CtacError('conflict', `This risk is closed, so you cannot ${doing}.`);
  throw new CtacError(
    'conflict',
    `You cannot ${doing} while the risk is ${STANDING[risk.status]}.`,
  );
}

/** Every status but closed. */
export const NOT_CLOSED: readonly RiskStatus[] = [
  'open',
  'escalated',
  'accepted',
  'treating',
  'transferred',
  'tolerated',
];
