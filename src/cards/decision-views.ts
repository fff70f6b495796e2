/** The decision log's cards: the form to log or correct a decision, its confirmation and the recent list. */
import {
  DECISION_OUTCOME_LABELS,
  LOGGED_DECISION_OUTCOMES,
  decisionMakerLabel,
  type Decision,
  type DecisionLogEntry,
} from '../domain/decisions';
import type { Organisation } from '../domain/people/organisation';
import type { Risk } from '../domain/risk';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';
import { dateField, ukDay, type OrgNames } from './risk-card-format';

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
