import type { Actor } from '../shared/actor';
import {
  acknowledgeHsa,
  giveHsaUpdate,
  HSA_APPLICABILITIES,
  HSA_REMEDIATIONS,
  setApplicability,
  setRemediation,
  type HsaApplicability,
  type HsaRemediation,
  type HsaResponse,
  type HsaResponseEvent,
  type HsaResponseOutcome,
  type HsaResponseRefusalCode,
} from './hsa-response';

/** What an organisation does to its response from the HSA card. */
export type HsaResponseChange =
  | { kind: 'acknowledge' }
  | { kind: 'applicability'; value: HsaApplicability }
  | { kind: 'remediation'; value: HsaRemediation }
  | { kind: 'update'; note: string };

/** The HSA card's response form as text: each choice may be `nochange` (the form's "No change"). */
export interface HsaResponseForm {
  applicability: string;
  remediation: string;
  note: string;
}

/** The form's value for "leave this as it is". */
export const HSA_FORM_NO_CHANGE = 'nochange';

/**
 * The changes a response form asks for, in the order they are made: applicability, remediation, then the
 * note as an update. A form that asks for nothing acknowledges the HSA. A choice the card never offers is a
 * problem, and then nothing is to be changed.
 */
export function hsaResponseFormChanges(form: HsaResponseForm): {
  changes: HsaResponseChange[];
  problems: string[];
} {
  const chosen = (value: string) => (value === HSA_FORM_NO_CHANGE ? '' : value);
  const applicability = chosen(form.applicability);
  const remediation = chosen(form.remediation);
  const note = form.note.trim();
  const changes: HsaResponseChange[] = [];
  const problems: string[] = [];
  if (applicability) {
    if ((HSA_APPLICABILITIES as readonly string[]).includes(applicability))
      changes.push({ kind: 'applicability', value: applicability as HsaApplicability });
    else problems.push('Choose whether you are affected from the list.');
  }
  if (remediation) {
    if ((HSA_REMEDIATIONS as readonly string[]).includes(remediation))
      changes.push({ kind: 'remediation', value: remediation as HsaRemediation });
    else problems.push('Choose the remediation from the list.');
  }
  if (note) changes.push({ kind: 'update', note });
  if (problems.length) return { changes: [], problems };
  if (!changes.length) changes.push({ kind: 'acknowledge' });
  return { changes, problems };
}

/** One change to a response; a change the card never offers (forged data) is refused. */
export function applyHsaResponseChange(
  response: HsaResponse,
  change: HsaResponseChange,
  actor: Actor,
  at: Date,
): HsaResponseOutcome {
  switch (change.kind) {
    case 'acknowledge':
      return acknowledgeHsa(response, actor, at);
    case 'applicability':
      return setApplicability(response, change.value, actor, at);
    case 'remediation':
      return setRemediation(response, change.value, actor, at);
    case 'update':
      return giveHsaUpdate(response, String(change.note ?? ''), actor, at);
    default:
      return {
        ok: false,
        code: 'invalid_value',
        message: 'That is not a change the card offers.',
        response,
      };
  }
}

/** Several changes made together: the response after all of them, an event per change made, each outcome. */
export interface HsaResponseChanges {
  response: HsaResponse;
  events: HsaResponseEvent[];
  outcomes: HsaResponseOutcome[];
}

/**
 * Makes the changes one after another on the same response, as one step: a refused change is skipped and
 * the rest still apply. Only the first change made acknowledges the HSA.
 */
export function applyHsaResponseChanges(
  response: HsaResponse,
  changes: readonly HsaResponseChange[],
  actor: Actor,
  at: Date,
): HsaResponseChanges {
  let current = response;
  const events: HsaResponseEvent[] = [];
  const outcomes: HsaResponseOutcome[] = [];
  for (const change of changes) {
    const outcome = applyHsaResponseChange(current, change, actor, at);
    outcomes.push(outcome);
    if (!outcome.ok) continue;
    current = outcome.response;
    events.push(outcome.event);
  }
  return { response: current, events, outcomes };
}

/**
 * Refusals worth telling the person: saying again what is already recorded (the same choice, a second
 * acknowledgement) changes nothing and needs no warning.
 */
export const isHsaRefusalWorthTelling = (code: HsaResponseRefusalCode): boolean =>
  code !== 'unchanged' && code !== 'already_acknowledged';
