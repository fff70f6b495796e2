import type { Actor } from '../shared/actor';
import { CtacError } from '../shared/errors';
import { ukCalendarDate } from '../risk/calendar-date';
import {
  normaliseDecision,
  type Decision,
  type DecisionFields,
  type DecisionInput,
} from './decision';

/** A correction: the new decision's id and the fields that change; the rest is copied from the old one. */
export type DecisionCorrection = DecisionInput & { id: string };

const fieldsOf = (d: Decision): DecisionFields => ({
  text: d.text,
  rationale: d.rationale,
  decidedBy: d.decidedBy,
  outcome: d.outcome,
  ...(d.related && { related: d.related }),
  ...(d.sourceMessageLink && { sourceMessageLink: d.sourceMessageLink }),
  ...(d.sourceMessageAuthor && { sourceMessageAuthor: d.sourceMessageAuthor }),
  decidedOn: d.decidedOn,
});

const sameFields = (a: DecisionFields, b: DecisionFields): boolean =>
  JSON.stringify(fieldsOf(a as Decision)) === JSON.stringify(fieldsOf(b as Decision));

/**
 * Corrects a decision without editing it: returns a new decision with `supersedes = old.id`. Both stay in
 * the log. Fields the correction leaves out are copied from the old decision; the result is checked like any
 * other, and a correction that changes nothing is refused.
 */
export function supersede(
  old: Decision,
  correction: DecisionCorrection,
  actor: Actor,
  at: Date,
  /** The corrector's organisation code, from the directory. */
  actorOrgCode?: string,
): Decision {
  const { id, ...changes } = correction;
  if (typeof id !== 'string' || !id || id === old.id)
    throw new CtacError('bad_request', 'A correction needs a new id of its own.');
  const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const fields = normaliseDecision({ ...fieldsOf(old), ...given }, { today: ukCalendarDate(at) });
  if (sameFields(fields, old))
    throw new CtacError('validation', 'Please check the correction.', [
      'The correction is the same as the decision it replaces: change what was wrong.',
    ]);
  return {
    id,
    ...fields,
    loggedAt: at.toISOString(),
    loggedBy: actor,
    ...(actorOrgCode && { loggedByOrg: actorOrgCode }),
    supersedes: old.id,
    // A correction of an exercise's decision stays the exercise's.
    ...(old.exercise && { exercise: old.exercise }),
  };
}

/** A decision in the log and, when a later one corrects it, that one's id. */
export interface DecisionLogEntry {
  decision: Decision;
  supersededBy?: string;
}

/**
 * Marks which decisions a later one supersedes, keeping every decision and the order given. If two
 * corrections supersede the same decision, the one logged last wins.
 */
export function markSuperseded(decisions: readonly Decision[]): DecisionLogEntry[] {
  const latest = new Map<string, Decision>();
  for (const d of decisions) {
    if (!d.supersedes) continue;
    const seen = latest.get(d.supersedes);
    if (!seen || d.loggedAt >= seen.loggedAt) latest.set(d.supersedes, d);
  }
  return decisions.map((decision) => {
    const by = latest.get(decision.id);
    return by ? { decision, supersededBy: by.id } : { decision };
  });
}
