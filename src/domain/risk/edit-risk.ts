import { CtacError } from '../shared/errors';
import { ukCalendarDate } from './calendar-date';
import { normaliseRisk, riskFields, type Risk, type RiskFields, type RiskInput } from './risk';
import { eventBase, NOT_CLOSED, requireStatus, withEvent, type ChangeContext } from './risk-change';
import type { EditableRiskField, RiskEdited, RiskFieldChanges } from './risk-events';
import { parseOrgCode } from './org-code';
import { parseConsequence, parseLikelihood } from './risk-scale';

const EDITABLE: readonly EditableRiskField[] = [
  'title',
  'description',
  'cafPrinciple',
  'owner',
  'mitigations',
  'reviewDate',
  'supplier',
];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Changes a risk's details from its edit form. Fields left out keep their values; the organisation cannot
 * change and the rating changes only by re-scoring, so a form that tries either is refused. A review date
 * already passed may stay, but a new one may not be in the past. When nothing changes there is no event.
 */
export function editRisk(
  risk: Risk,
  changes: RiskInput,
  context: ChangeContext,
): { risk: Risk; event?: RiskEdited } {
  requireStatus(risk, NOT_CLOSED, 'edit it');
  const refused: string[] = [];
  if (changes.orgCode !== undefined && parseOrgCode(changes.orgCode) !== risk.orgCode)
    refused.push(
      'The organisation of a risk cannot be changed: close it and raise it again for the other one.',
    );
  const likelihood =
    changes.likelihood === undefined ? risk.likelihood : parseLikelihood(changes.likelihood);
  const consequence =
    changes.consequence === undefined ? risk.consequence : parseConsequence(changes.consequence);
  if (likelihood !== risk.likelihood || consequence !== risk.consequence)
    refused.push(
      'Change the likelihood and consequence with "Re-score", so the change is recorded.',
    );
  if (refused.length) throw new CtacError('validation', 'Please check the risk details.', refused);

  const current = riskFields(risk);
  const given = Object.fromEntries(
    EDITABLE.filter((field) => changes[field] !== undefined).map((field) => [
      field,
      changes[field],
    ]),
  );
  const fields = normaliseRisk(
    { ...current, ...given },
    { today: ukCalendarDate(context.at), keepReviewDate: risk.reviewDate },
  );

  const diff: RiskFieldChanges = {};
  const record = <K extends EditableRiskField>(field: K) => {
    if (!same(current[field], fields[field]))
      (diff as Record<K, { from: RiskFields[K]; to: RiskFields[K] }>)[field] = {
        from: current[field],
        to: fields[field],
      };
  };
  EDITABLE.forEach(record);
  if (Object.keys(diff).length === 0) return { risk };

  const event: RiskEdited = { kind: 'edited', ...eventBase(risk.id, context), changes: diff };
  const updated: Partial<Risk> = {};
  for (const field of EDITABLE) (updated as Record<string, unknown>)[field] = fields[field];
  const edited = withEvent(risk, updated, event);
  if (!edited.supplier) delete edited.supplier;
  return { risk: edited, event };
}
