import {
  DECISION_OUTCOME_LABELS,
  LOGGED_DECISION_OUTCOMES,
  decisionMakerLabel,
  type Decision,
  type DecisionLogEntry,
} from '../domain/decisions';
import type { Organisation } from '../domain/people/organisation';
import {
  bandLabel,
  DEFAULT_RISK_BANDS,
  POSSIBLE_SCORES,
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
  type RiskBandTable,
  type RiskPolicy,
} from '../domain/risk';
import { formatUkDate, formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';
import { tabLinkFor } from './tab-links';
import type { NoticeStyle } from './views';

/**
 * The risk policy as the settings forms show it: what is in force, who last changed it and the version a save
 * must still match (the app's stored policy has this shape).
 */
export interface RiskPolicyFormView {
  policy: RiskPolicy;
  /** Undefined while nobody has saved a policy. */
  etag?: string;
  updatedAt?: string;
  updatedBy?: string;
}

/** View models for the templates in adaptiveCards/risks/. User text only ever arrives here as data. */

type OrgNames = Readonly<Record<string, string>>;
export const orgNamesOf = (orgs: readonly Organisation[]): OrgNames =>
  Object.fromEntries(orgs.map((o) => [o.code, o.name]));

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
const org = (code: string, names: OrgNames) => (names[code] ? `${names[code]} (${code})` : code);
const ukDay = (calendarDate: string) => formatUkDate(`${calendarDate}T12:00:00Z`);

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

/** The decision form's values as typed. */
export interface DecisionFormValues {
  text?: string;
  rationale?: string;
  decidedBy?: string;
  outcome?: string;
  decidedOn?: string;
  relatedRisk?: string;
  relatedAlert?: string;
  sourceMessageLink?: string;
  sourceMessageAuthor?: string;
  /** The "Part of the exercise" toggle: 'true' or 'false'. */
  partOfExercise?: string;
}

export function decisionFormCard(view: {
  /** The organisations the person may log a decision for (all, for a lead; their own, for a member). */
  organisations: readonly Organisation[];
  risks: readonly Risk[];
  /** Whether "ICS cyber group" is offered as who decided (leads only); offered unless false. */
  groupChoice?: boolean;
  values?: DecisionFormValues;
  problems?: string[];
  /** In the message action's task module (Action.Submit) rather than in the chat (Action.Execute). */
  inTask?: boolean;
  /** The decision this one corrects. */
  supersedes?: string;
  /** The running exercise the person takes part in: the form offers to log the decision as its (issue 21). */
  exercise?: { name: string };
}): AdaptiveCard {
  const v = view.values ?? {};
  const source = [
    v.sourceMessageAuthor ? `From a message by ${v.sourceMessageAuthor}.` : '',
    v.sourceMessageLink ? `[Open the message](${v.sourceMessageLink})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return renderCard('risks/decision-form', {
    heading: view.supersedes ? `Correct decision ${view.supersedes}` : 'Log a decision',
    source: view.supersedes
      ? 'The correction is logged as a new decision; the one it replaces stays in the log, marked as superseded.'
      : source,
    problems: view.problems ?? [],
    text: v.text ?? '',
    rationale: v.rationale ?? '',
    decidedBy: v.decidedBy ?? 'forum',
    outcome: v.outcome ?? 'approved',
    decidedOn: dateField(v.decidedOn),
    relatedRisk: v.relatedRisk || 'none',
    relatedAlert: v.relatedAlert ?? '',
    // A correction stays where the decision it replaces is, so only a new decision offers the toggle.
    exerciseToggle:
      view.exercise && !view.supersedes ? `Part of the exercise ${view.exercise.name}` : '',
    partOfExercise: v.partOfExercise === 'false' ? 'false' : 'true',
    makers: [
      { title: 'The forum', value: 'forum' },
      ...(view.groupChoice === false
        ? []
        : [{ title: 'ICS cyber group', value: 'ics-cyber-group' }]),
      ...view.organisations.map((o) => ({ title: `${o.name} (${o.code})`, value: o.code })),
    ],
    outcomes: LOGGED_DECISION_OUTCOMES.map((o) => ({
      title: DECISION_OUTCOME_LABELS[o],
      value: o,
    })),
    risks: [
      { title: 'None', value: 'none' },
      ...view.risks.map((r) => ({ title: `${r.id}: ${r.title}`.slice(0, 120), value: r.id })),
    ],
    inTask: !!view.inTask,
    submitTitle: view.supersedes ? 'Log the correction' : 'Log decision',
    verb: view.supersedes ? 'decision.supersede' : 'decision.log',
    supersedes: view.supersedes ?? '',
    sourceMessageLink: v.sourceMessageLink ?? '',
    sourceMessageAuthor: v.sourceMessageAuthor ?? '',
  });
}

const decisionFacts = (d: Decision, names: OrgNames) => [
  { title: 'Reference', value: d.id },
  { title: 'Rationale', value: d.rationale },
  { title: 'Decided by', value: decisionMakerLabel(d.decidedBy, names) },
  { title: 'Outcome', value: DECISION_OUTCOME_LABELS[d.outcome] },
  { title: 'Date decided', value: ukDay(d.decidedOn) },
  ...(d.related
    ? [
        {
          title: 'Related to',
          value: `${d.related.kind === 'risk' ? 'Risk' : 'Alert'} ${d.related.id}`,
        },
      ]
    : []),
  ...(d.sourceMessageAuthor ? [{ title: 'Message by', value: d.sourceMessageAuthor }] : []),
  ...(d.sourceMessageLink
    ? [{ title: 'Message', value: `[Open the message](${d.sourceMessageLink})` }]
    : []),
  ...(d.supersedes ? [{ title: 'Supersedes', value: d.supersedes }] : []),
  ...(d.exercise
    ? [
        {
          title: 'EXERCISE',
          value: `Part of the exercise ${d.exercise.name}: not in the decision register`,
        },
      ]
    : []),
  { title: 'Logged', value: `${formatUkDateTime(d.loggedAt)} by ${loggedByLabel(d)}` },
];

/** Who logged a decision: their name and, when they have one, their organisation's code. */
const loggedByLabel = (d: Decision): string =>
  d.loggedByOrg ? `${d.loggedBy.name} (${d.loggedByOrg})` : d.loggedBy.name;

/** The confirmation posted in the thread for every logged decision. */
export const decisionLoggedCard = (d: Decision, names: OrgNames): AdaptiveCard =>
  renderCard('risks/decision-logged', {
    heading: `${d.exercise ? 'EXERCISE: ' : ''}${
      d.supersedes
        ? `Decision ${d.id} logged, superseding ${d.supersedes}`
        : `Decision ${d.id} logged`
    }`,
    text: d.text,
    id: d.id,
    facts: decisionFacts(d, names),
  });

export const decisionListCard = (
  entries: readonly DecisionLogEntry[],
  names: OrgNames,
): AdaptiveCard =>
  renderCard('risks/decision-list', {
    heading: `Recent decisions (${entries.length})`,
    decisions: entries.map(({ decision: d, supersededBy }) => ({
      line: `${d.id} · ${ukDay(d.decidedOn)} · ${DECISION_OUTCOME_LABELS[d.outcome]} · ${decisionMakerLabel(d.decidedBy, names)}`,
      text: d.text,
      superseded: !!supersededBy,
      status: supersededBy
        ? `Superseded by ${supersededBy}`
        : `${d.supersedes ? `Corrects ${d.supersedes}. ` : ''}Logged by ${loggedByLabel(d)}, ${formatUkDateTime(d.loggedAt)}`,
      statusColour: supersededBy ? 'Attention' : 'Default',
    })),
  });

export function appetiteFormCard(view: {
  stored: RiskPolicyFormView;
  organisations: readonly Organisation[];
  problems?: string[];
  /** What the admin typed, re-shown after a problem. */
  values?: Record<string, string>;
}): AdaptiveCard {
  const { appetite } = view.stored.policy;
  const typed = view.values;
  const number = (text: string | undefined, fallback: number | undefined) => {
    if (typed === undefined) return fallback;
    const n = Number(text);
    return text && Number.isFinite(n) ? n : undefined;
  };
  return renderCard('risks/appetite-form', {
    lastChange: view.stored.updatedBy
      ? `Last changed by ${view.stored.updatedBy}, ${formatUkDateTime(view.stored.updatedAt ?? '')}.`
      : 'Not set yet: the ICS-wide default of 12 applies (every extreme risk is escalated).',
    problems: view.problems ?? [],
    icsWide: number(typed?.['icsWide'], appetite.icsWide) ?? appetite.icsWide,
    organisations: view.organisations.map((o) => {
      const value = number(typed?.[`org_${o.code}`], appetite.organisations[o.code]);
      return {
        inputId: `org_${o.code}`,
        label: `${o.name} (${o.code})`,
        hasValue: value !== undefined,
        value: value ?? 0,
      };
    }),
    etag: view.stored.etag ?? '',
  });
}

/** Rows on the bands form; more bands than this would not make a readable 5x5 matrix. */
export const BAND_FORM_ROWS = 6;

/** One row of the bands form as typed. */
export interface BandFormRow {
  name: string;
  min: string;
  max: string;
}

/** "Low 1-3, Moderate 4-6, High 8-12, Extreme 15-25". */
export const bandsSummary = (bands: RiskBandTable): string =>
  bands.map((b) => `${bandLabel(b)} ${b.min === b.max ? b.min : `${b.min}-${b.max}`}`).join(', ');

/** Runs of the scores a 5x5 matrix cannot produce, for the form's hint: "7, 11, 13-14, 17-19, 21-24". */
const impossibleScores = (): string => {
  const missing = Array.from({ length: 25 }, (_, i) => i + 1).filter(
    (s) => !POSSIBLE_SCORES.includes(s),
  );
  const runs: string[] = [];
  for (let i = 0; i < missing.length;) {
    let j = i;
    while (j + 1 < missing.length && missing[j + 1] === missing[j]! + 1) j++;
    runs.push(i === j ? `${missing[i]}` : `${missing[i]}-${missing[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
};

/**
 * The admins' risk bands form: one row per band (name, lowest and highest score), prefilled with the bands in
 * force, or with what the admin typed when it comes back with problems.
 */
export function bandsFormCard(view: {
  stored: RiskPolicyFormView;
  problems?: string[];
  /** What the admin typed, re-shown after a problem. */
  values?: readonly BandFormRow[];
}): AdaptiveCard {
  const typed: BandFormRow[] =
    view.values?.map((r) => ({ ...r })) ??
    view.stored.policy.bands.map((b) => ({ name: b.name, min: String(b.min), max: String(b.max) }));
  const rows = [...typed];
  while (rows.length < BAND_FORM_ROWS) rows.push({ name: '', min: '', max: '' });
  const score = (text: string) => {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  };
  return renderCard('risks/bands-form', {
    intro: `A risk's band comes from its score (likelihood times consequence). Every possible score must fall in exactly one band. A 5x5 matrix never scores ${impossibleScores()}, so a band may end at 6 and the next start at 8. Leave a row empty to drop it. The NHS default is ${bandsSummary(DEFAULT_RISK_BANDS)}.`,
    current: `In force now: ${bandsSummary(view.stored.policy.bands)}.${
      view.stored.updatedBy
        ? ` Risk settings last changed by ${view.stored.updatedBy}, ${formatUkDateTime(view.stored.updatedAt ?? '')}.`
        : ''
    }`,
    problems: view.problems ?? [],
    rows: rows.slice(0, Math.max(BAND_FORM_ROWS, typed.length)).map((r, i) => {
      const min = score(r.min);
      const max = score(r.max);
      return {
        label: `Band ${i + 1}`,
        nameId: `band${i + 1}_name`,
        minId: `band${i + 1}_min`,
        maxId: `band${i + 1}_max`,
        name: r.name,
        hasMin: min !== undefined,
        min: min ?? 0,
        hasMax: max !== undefined,
        max: max ?? 0,
      };
    }),
    etag: view.stored.etag ?? '',
  });
}

/** A stored date (2026-12-16) in a form field as people in the UK type it (16/12/2026); typed text stays. */
const dateField = (value: string | undefined): string => {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : (value ?? '');
};
