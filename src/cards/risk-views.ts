import type { Organisation } from '../domain/people/organisation';
import {
  bandLabel,
  CAF_PRINCIPLE_CODES,
  cafPrincipleLabel,
  consequenceLabel,
  ESCALATION_CHOICE_LABELS,
  ESCALATABLE,
  ESCALATION_CHOICES,
  likelihoodLabel,
  RISK_STATUS_LABELS,
  riskTitleOf,
  type Consequence,
  type Likelihood,
  type Risk,
} from '../domain/risk';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';
import { dateField, org, ukDay, type OrgNames } from './risk-card-format';
import { tabLinkFor } from './tab-links';
import type { NoticeStyle } from './views';

/** View models for the templates in adaptiveCards/risks/. User text only ever arrives here as data. */

/**
 * Band colours, as near the NHS matrix colours as Adaptive Cards allow: low green, moderate blue (accent),
 * high amber, extreme red. A band an admin named differently shows in the default style.
 */
const BAND_STYLE: Record<string, { style: string; colour: string }> = {
  low: { style: 'good', colour: 'Good' },
  moderate: { style: 'accent', colour: 'Accent' },
  high: { style: 'warning', colour: 'Warning' },
  extreme: { style: 'attention', colour: 'Attention' },
};
const bandStyle = (band: string) => BAND_STYLE[band] ?? { style: 'default', colour: 'Default' };

const LEVELS = [1, 2, 3, 4, 5] as const;
const likelihoodChoices = LEVELS.map((l) => ({ title: likelihoodLabel(l), value: String(l) }));
const consequenceChoices = LEVELS.map((c) => ({ title: consequenceLabel(c), value: String(c) }));
const cafChoices = CAF_PRINCIPLE_CODES.map((c) => ({ title: cafPrincipleLabel(c), value: c }));

/** The values typed on the risk form, kept as text so a re-shown form holds exactly what was typed. */
export interface RiskFormValues {
  title?: string;
  description?: string;
  orgCode?: string;
  cafPrinciple?: string;
  likelihood?: string;
  consequence?: string;
  owner?: string;
  mitigations?: string;
  reviewDate?: string;
  /** The supplier the risk is about, by its name on the supplier register (optional). */
  supplier?: string;
  /** The "Part of the exercise" toggle: 'true' or 'false'. */
  partOfExercise?: string;
}

export const riskFormValues = (risk: Risk): RiskFormValues => ({
  title: risk.title,
  description: risk.description,
  orgCode: risk.orgCode,
  cafPrinciple: risk.cafPrinciple,
  likelihood: String(risk.likelihood),
  consequence: String(risk.consequence),
  owner: risk.owner,
  mitigations: risk.mitigations.join('\n'),
  reviewDate: risk.reviewDate,
  supplier: risk.supplier ?? '',
});

export function riskFormCard(view: {
  riskId?: string;
  organisations: readonly Organisation[];
  values?: RiskFormValues;
  problems?: string[];
  /** In the "Raise as risk" message action's task module (Action.Submit) rather than in the chat. */
  inTask?: boolean;
  /** The chat message the risk is raised from. */
  source?: { author?: string; link?: string };
  /** The running exercise the person takes part in: a new risk's form offers to raise it as its (issue 21). */
  exercise?: { name: string };
}): AdaptiveCard {
  const v = view.values ?? {};
  const isNew = !view.riskId;
  const source = [
    view.source?.author ? `From a message by ${view.source.author}.` : '',
    view.source?.link ? `[Open the message](${view.source.link})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return renderCard('risks/risk-form', {
    isNew,
    heading: isNew ? 'Raise a risk' : `Edit risk ${view.riskId}`,
    intro: isNew
      ? 'Scored on the NHS 5x5 matrix: likelihood times consequence. A risk above its organisation\u2019s appetite goes to the ICS cyber group.'
      : 'Change the details. To change the score, use "Re-score" on the risk card.',
    problems: view.problems ?? [],
    title: v.title ?? '',
    description: v.description ?? '',
    orgCode: v.orgCode ?? '',
    cafPrinciple: v.cafPrinciple ?? '',
    likelihood: v.likelihood ?? '',
    consequence: v.consequence ?? '',
    owner: v.owner ?? '',
    mitigations: v.mitigations ?? '',
    supplier: v.supplier ?? '',
    reviewDate: dateField(v.reviewDate),
    organisations: view.organisations.map((o) => ({
      title: `${o.name} (${o.code})`,
      value: o.code,
    })),
    cafPrinciples: cafChoices,
    likelihoods: likelihoodChoices,
    consequences: consequenceChoices,
    submitTitle: isNew ? 'Raise risk' : 'Save changes',
    verb: isNew ? 'risk.raise' : 'risk.edit',
    riskId: view.riskId ?? '',
    source,
    inTask: !!view.inTask,
    sourceMessageLink: view.source?.link ?? '',
    sourceMessageAuthor: view.source?.author ?? '',
    exerciseToggle: view.exercise && isNew ? `Part of the exercise ${view.exercise.name}` : '',
    partOfExercise: v.partOfExercise === 'false' ? 'false' : 'true',
  });
}

const headline = (risk: Risk) =>
  `Score ${risk.score} (${bandLabel(risk.band)}): ${likelihoodLabel(risk.likelihood as Likelihood).toLowerCase()} likelihood, ${consequenceLabel(risk.consequence as Consequence).toLowerCase()} consequence`;

export interface Banner {
  text: string;
  style?: NoticeStyle;
}

export function riskCard(risk: Risk, names: OrgNames, banner?: Banner): AdaptiveCard {
  const notes: string[] = [];
  if (risk.escalation)
    notes.push(
      `Escalated to the ICS cyber group by ${risk.escalation.by.name} on ${formatUkDateTime(risk.escalation.at)}${
        risk.escalation.appetite
          ? `: above the ${risk.escalation.appetite.scope === 'organisation' ? 'organisation\u2019s' : 'ICS-wide'} appetite of ${risk.escalation.appetite.threshold}`
          : risk.escalation.note
            ? `: ${risk.escalation.note}`
            : ''
      }.`,
    );
  if (risk.infoRequest)
    notes.push(
      `More information asked for by ${risk.infoRequest.by.name}: ${risk.infoRequest.text}`,
    );
  if (risk.lastDecision)
    notes.push(
      `Decision ${risk.lastDecision.decisionId}: ${ESCALATION_CHOICE_LABELS[risk.lastDecision.choice]}, by ${risk.lastDecision.by.name} on ${formatUkDateTime(risk.lastDecision.at)}. ${risk.lastDecision.rationale}`,
    );
  if (risk.closure)
    notes.push(
      `Closed by ${risk.closure.by.name} on ${formatUkDateTime(risk.closure.at)}: ${risk.closure.text}`,
    );
  const style = bandStyle(risk.band);
  return renderCard('risks/risk-card', {
    banner: banner?.text ?? '',
    bannerStyle: banner?.style ?? 'good',
    id: risk.id,
    title: riskTitleOf(risk),
    headline: headline(risk),
    bandStyle: style.style,
    bandColour: style.colour,
    description: risk.description,
    facts: [
      { title: 'Reference', value: risk.id },
      { title: 'Status', value: RISK_STATUS_LABELS[risk.status] },
      { title: 'Organisation', value: org(risk.orgCode, names) },
      { title: 'CAF principle', value: cafPrincipleLabel(risk.cafPrinciple) },
      { title: 'Owner', value: risk.owner },
      ...(risk.supplier ? [{ title: 'Supplier', value: risk.supplier }] : []),
      { title: 'Review by', value: ukDay(risk.reviewDate) },
      { title: 'Raised', value: `${formatUkDateTime(risk.raisedAt)} by ${risk.raisedBy.name}` },
    ],
    mitigations: risk.mitigations,
    notes,
    canChange: risk.status !== 'closed',
    canEscalate: ESCALATABLE.includes(risk.status),
    canClose: ESCALATABLE.includes(risk.status),
    likelihood: String(risk.likelihood),
    consequence: String(risk.consequence),
    likelihoods: likelihoodChoices,
    consequences: consequenceChoices,
  });
}

/** Most risks one list card shows, so the card stays well under the Teams size limit. */
export const RISK_LIST_LIMIT = 20;

export function riskListCard(risks: readonly Risk[], names: OrgNames): AdaptiveCard {
  const more = Math.max(0, risks.length - RISK_LIST_LIMIT);
  return renderCard('risks/risk-list', {
    heading: `Open risks by score (${risks.length})`,
    footer: more
      ? `Select a risk to open it. ${more} lower-scoring risk${more === 1 ? ' is' : 's are'} not shown: leads can export the whole register (GET /api/registers/risks.csv).`
      : 'Select a risk to open it.',
    risks: risks.slice(0, RISK_LIST_LIMIT).map((r) => {
      const s = bandStyle(r.band);
      return {
        id: r.id,
        title: r.title,
        style: s.style,
        colour: s.colour,
        scoreText: `${r.score} ${bandLabel(r.band)}`,
        detail: `${r.id} · ${RISK_STATUS_LABELS[r.status]} · ${org(r.orgCode, names)} · owner ${r.owner} · review by ${ukDay(r.reviewDate)}`,
      };
    }),
  });
}

/** The card in the ICS cyber channel with the leads' choices; after a decision it shows the decision. */
export function escalationCard(risk: Risk, names: OrgNames, banner?: Banner): AdaptiveCard {
  const open = risk.status === 'escalated';
  const e = risk.escalation;
  const why = e
    ? e.appetite
      ? `Its score of ${risk.score} is above the ${e.appetite.scope === 'organisation' ? `appetite of ${org(risk.orgCode, names)}` : 'ICS-wide appetite'} (${e.appetite.threshold}). Escalated ${formatUkDateTime(e.at)}.`
      : `${e.by.name} escalated it on ${formatUkDateTime(e.at)}: ${e.note ?? ''}`
    : 'The ICS cyber group has decided on this risk.';
  const d = risk.lastDecision;
  const s = bandStyle(risk.band);
  return renderCard('risks/escalation', {
    banner: banner?.text ?? '',
    bannerStyle: banner?.style ?? 'attention',
    heading: `${risk.exercise ? 'EXERCISE: ' : ''}${
      open ? 'Risk escalated to the ICS cyber group' : 'Escalated risk: decided'
    }`,
    title: riskTitleOf(risk),
    headline: headline(risk),
    bandStyle: s.style,
    bandColour: s.colour,
    why,
    description: risk.description,
    facts: [
      { title: 'Reference', value: risk.id },
      { title: 'Organisation', value: org(risk.orgCode, names) },
      { title: 'CAF principle', value: cafPrincipleLabel(risk.cafPrinciple) },
      { title: 'Owner', value: risk.owner },
      { title: 'Status', value: RISK_STATUS_LABELS[risk.status] },
    ],
    decided: !!d && !open,
    decisionLine: d
      ? `${ESCALATION_CHOICE_LABELS[d.choice]}: decided by ${d.by.name}, ${formatUkDateTime(d.at)} (decision ${d.decisionId})`
      : '',
    decisionRationale: d ? `Rationale: ${d.rationale}` : '',
    infoRequested:
      open && risk.infoRequest
        ? `${risk.infoRequest.by.name} asked for more information on ${formatUkDateTime(risk.infoRequest.at)}: ${risk.infoRequest.text}`
        : '',
    open,
    riskId: risk.id,
    tabLink: tabLinkFor({ kind: 'escalation', id: risk.id }) ?? '',
    choices: open
      ? ESCALATION_CHOICES.map((choice) => ({ title: ESCALATION_CHOICE_LABELS[choice], choice }))
      : [],
  });
}
