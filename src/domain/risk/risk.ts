import type { DecisionExerciseTag } from '../decisions/exercise-tag';
import type { Actor } from '../shared/actor';
import { CtacError } from '../shared/errors';
import { parseCalendarDate, type CalendarDate } from './calendar-date';
import { parseCafPrinciple, type CafPrinciple } from './caf-principle';
import { limitText, lineFrom, paragraphsFrom } from '../shared/clean-text';
import type { EscalationChoice } from './escalation-choice';
import { parseOrgCode } from './org-code';
import type { EscalationReason, RiskEvent } from './risk-events';
import type { AppliedAppetite } from './risk-appetite';
import {
  CONSEQUENCE_NAMES,
  LIKELIHOOD_NAMES,
  parseConsequence,
  parseLikelihood,
  type Consequence,
  type Likelihood,
} from './risk-scale';
import type { RiskStatus } from './risk-status';

/** Limits on what people type, in characters. */
export const RISK_LIMITS = Object.freeze({
  title: 120,
  description: 4000,
  owner: 120,
  mitigation: 500,
  mitigations: 20,
  note: 2000,
  supplier: 120,
});

/** A cyber risk on the shared ICS register, scored with the common NHS 5x5 language. */
export interface Risk {
  id: string;
  title: string;
  description: string;
  /** The organisation that carries the risk. */
  orgCode: string;
  cafPrinciple: CafPrinciple;
  likelihood: Likelihood;
  consequence: Consequence;
  /** Likelihood times consequence, 1 to 25. */
  score: number;
  /** The band the score fell in when it was last scored. */
  band: string;
  /** Who owns the risk: a person or a role, as typed. */
  owner: string;
  mitigations: string[];
  reviewDate: CalendarDate;
  /** The supplier the risk is about, by its name on the supplier register; absent on most risks. */
  supplier?: string;
  status: RiskStatus;
  raisedAt: string;
  raisedBy: Actor;
  updatedAt: string;
  /** Why it is with the ICS cyber group; present only while the status is `escalated`. */
  escalation?: RiskEscalation;
  /** What the leads asked for; present while they wait for more information. */
  infoRequest?: RiskNote;
  /** The ICS cyber group's most recent decision on it. */
  lastDecision?: RiskDecisionSummary;
  /** Why and by whom it was closed. */
  closure?: RiskNote;
  /** Every change, oldest first. */
  history: RiskEvent[];
  /** Raised as part of an exercise (issue 21): shown in its report, never in the real register or figures. */
  exercise?: DecisionExerciseTag;
}

/** Whether a risk counts in the real register, figures and exports (not an exercise's). */
export const isRealRisk = (risk: Pick<Risk, 'exercise'>): boolean => !risk.exercise;

/** A risk's title as its cards show it: an exercise's says so first. */
export const riskTitleOf = (risk: Pick<Risk, 'title' | 'exercise'>): string =>
  `${risk.exercise ? 'EXERCISE: ' : ''}${risk.title}`;

export interface RiskEscalation {
  reason: EscalationReason;
  at: string;
  by: Actor;
  appetite?: AppliedAppetite;
  note?: string;
}

export interface RiskNote {
  text: string;
  at: string;
  by: Actor;
}

export interface RiskDecisionSummary {
  choice: EscalationChoice;
  rationale: string;
  decisionId: string;
  at: string;
  by: Actor;
}

/** The fields people fill in on the risk form, after checking and tidying. */
export interface RiskFields {
  title: string;
  description: string;
  orgCode: string;
  cafPrinciple: CafPrinciple;
  likelihood: Likelihood;
  consequence: Consequence;
  owner: string;
  mitigations: string[];
  reviewDate: CalendarDate;
  /** Present only when the form names a supplier. */
  supplier?: string;
}

/** The risk form as it arrives from a card, the tab or the API: anything may be missing or forged. */
export interface RiskInput {
  title?: unknown;
  description?: unknown;
  orgCode?: unknown;
  cafPrinciple?: unknown;
  likelihood?: unknown;
  consequence?: unknown;
  owner?: unknown;
  /** A list, or one mitigation a line as a multi-line text box sends it. */
  mitigations?: unknown;
  reviewDate?: unknown;
  /** A supplier's name, optional. */
  supplier?: unknown;
}

export interface NormaliseRiskOptions {
  /** Today's UK date: when given, a review date before it is a problem. */
  today?: CalendarDate;
  /** A review date that stays allowed even if it has passed (the one the risk already has, on an edit). */
  keepReviewDate?: CalendarDate;
}

function mitigationsFrom(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(/\r\n?|\n/) : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) return undefined;
  return items.map((item) => lineFrom(item)).filter((item) => item !== '');
}

/**
 * Checks and tidies the risk form, collecting every problem at once. Text loses control and invisible
 * characters and is held to `RISK_LIMITS`. Throws `CtacError('validation')` listing the problems.
 */
export function normaliseRisk(input: RiskInput, options: NormaliseRiskOptions = {}): RiskFields {
  const problems: string[] = [];
  const title = limitText(lineFrom(input.title), RISK_LIMITS.title, problems, {
    missing: 'Give the risk a short title.',
    field: 'The title',
  });
  const description = limitText(
    paragraphsFrom(input.description),
    RISK_LIMITS.description,
    problems,
    {
      missing: 'Describe the risk: what could happen, and why.',
      field: 'The description',
    },
  );

  const orgCode = parseOrgCode(input.orgCode);
  if (orgCode === undefined)
    problems.push(
      lineFrom(input.orgCode)
        ? 'The organisation code must be 2 to 12 letters, digits or hyphens, for example RXH.'
        : 'Choose the organisation that carries the risk.',
    );

  const cafPrinciple = parseCafPrinciple(input.cafPrinciple);
  if (cafPrinciple === undefined)
    problems.push(
      lineFrom(input.cafPrinciple)
        ? `"${lineFrom(input.cafPrinciple).slice(0, 20)}" is not a CAF principle: choose one from A1 to D2, or E1 to E4 for the DSPT.`
        : 'Choose the CAF principle the risk relates to, for example B4 System security.',
    );

  const likelihood = parseLikelihood(input.likelihood);
  if (likelihood === undefined)
    problems.push(
      `Choose how likely the risk is, from 1 (${LIKELIHOOD_NAMES[1]}) to 5 (${LIKELIHOOD_NAMES[5]}).`,
    );
  const consequence = parseConsequence(input.consequence);
  if (consequence === undefined)
    problems.push(
      `Choose how bad the consequence would be, from 1 (${CONSEQUENCE_NAMES[1]}) to 5 (${CONSEQUENCE_NAMES[5]}).`,
    );

  const owner = limitText(lineFrom(input.owner), RISK_LIMITS.owner, problems, {
    missing: 'Name the risk owner: a person or a role.',
    field: 'The owner',
  });

  const mitigations = mitigationsFrom(input.mitigations);
  if (mitigations === undefined) problems.push('The mitigations must be text, one a line.');
  else {
    if (mitigations.length > RISK_LIMITS.mitigations)
      problems.push(
        `List at most ${RISK_LIMITS.mitigations} mitigations (there are ${mitigations.length}).`,
      );
    mitigations.forEach((m, i) =>
      limitText(m, RISK_LIMITS.mitigation, problems, { field: `Mitigation ${i + 1}` }),
    );
  }

  const reviewDate = parseCalendarDate(input.reviewDate);
  if (reviewDate === undefined)
    problems.push(
      lineFrom(input.reviewDate)
        ? 'The review date must be a real date, for example 31/12/2026.'
        : 'Give a date by which the risk will be reviewed.',
    );
  else if (options.today && reviewDate < options.today && reviewDate !== options.keepReviewDate)
    problems.push('The review date cannot be in the past.');

  const supplier = limitText(lineFrom(input.supplier), RISK_LIMITS.supplier, problems, {
    field: 'The supplier',
  });

  if (problems.length)
    throw new CtacError('validation', 'Please check the risk details.', problems);
  return {
    title,
    description,
    orgCode: orgCode as string,
    cafPrinciple: cafPrinciple as CafPrinciple,
    likelihood: likelihood as Likelihood,
    consequence: consequence as Consequence,
    owner,
    mitigations: mitigations as string[],
    reviewDate: reviewDate as CalendarDate,
    ...(supplier ? { supplier } : {}),
  };
}

/** The form fields of a risk, for prefilling an edit form or merging changes. */
export const riskFields = (risk: Risk): RiskFields => ({
  title: risk.title,
  description: risk.description,
  orgCode: risk.orgCode,
  cafPrinciple: risk.cafPrinciple,
  likelihood: risk.likelihood,
  consequence: risk.consequence,
  owner: risk.owner,
  mitigations: [...risk.mitigations],
  reviewDate: risk.reviewDate,
  ...(risk.supplier ? { supplier: risk.supplier } : {}),
});
