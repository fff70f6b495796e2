import { hasRole, type Member } from '../people/member';
import { CtacError } from '../shared/errors';
import type { Risk } from './risk';

/** The changes to a risk kept to its own organisation and the leads. */
export type RiskChangeKind = 'edit' | 're-score' | 'close' | 'escalate';

/** Who is asking, from their member record in the directory (never from a card or a form). */
export type RiskCaller = Pick<Member, 'role' | 'orgCode'>;

/**
 * Members of the risk's organisation and leads (admins too: roles build on each other) may change a risk.
 * While it waits for the ICS cyber group only leads may, so nobody moves it under the leads' feet.
 */
export function mayChangeRisk(risk: Pick<Risk, 'orgCode' | 'status'>, caller: RiskCaller): boolean {
  if (hasRole(caller, 'lead')) return true;
  return risk.status !== 'escalated' && caller.orgCode !== '' && caller.orgCode === risk.orgCode;
}

/**
 * Refuses with `forbidden`, saying who may, when the caller may not change the risk. The message names the
 * risk by its reference only: a refusal carries none of the risk's content.
 *
 * @param organisation how to name the risk's organisation, e.g. "East Sussex County Council (ESCC)"
 */
export function requireMayChangeRisk(
  risk: Pick<Risk, 'id' | 'orgCode' | 'status'>,
  caller: RiskCaller,
  change: RiskChangeKind,
  organisation = risk.orgCode,
): void {
  if (mayChangeRisk(risk, caller)) return;
  throw new CtacError(
    'forbidden',
    risk.status === 'escalated'
      ? `Risk ${risk.id} is waiting for a decision from the ICS cyber group, so only its leads can ${change} it now. Nothing was changed.`
      : `Only members of ${organisation} and leads of the ICS cyber group can ${change} risk ${risk.id}. Nothing was changed.`,
  );
}
