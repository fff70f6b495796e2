import { SEVERITY_LABELS, type FiguresView } from '../../contract/figures';
import { CONSEQUENCE_NAMES, LIKELIHOOD_NAMES } from '../../domain/risk/risk-scale';

/** A cell: numbers stay numbers (so the workbook sums them); '' for a figure that does not exist yet. */
export type BoardPackCell = string | number;

/** One table of the board pack: a table in the PDF, a worksheet in the workbook. */
export interface BoardPackTable {
  /** The worksheet's name (at most 31 characters). */
  sheet: string;
  caption: string;
  header: string[];
  rows: BoardPackCell[][];
  /** Said instead of an empty table. */
  empty: string;
}

/** One section of the board pack, in the order a board reads it. */
export interface BoardPackSection {
  title: string;
  /** Plain sentences before the tables: what the figures are and how they were counted. */
  notes: string[];
  tables: BoardPackTable[];
}

const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const opt = (value: number | undefined): BoardPackCell => (value === undefined ? '' : value);

/**
 * The board pack's sections from the quarter's figures: the PDF and the workbook are both made from
 * these, so they always hold the same figures.
 */
export function boardPackSections(view: FiguresView): BoardPackSection[] {
  const { risks, hsa, alerts } = view;
  return [
    {
      title: 'Risk heat map',
      notes: [
        `The ICS risk register as it stood when this pack was made (${view.madeAtUk}): ${risks.heatMap.total} open risks, counted by likelihood and consequence on the NHS 5 by 5 scale.`,
      ],
      tables: [
        {
          sheet: 'Heat map',
          caption: 'Open risks by likelihood (rows) and consequence (columns)',
          header: [
            'Likelihood',
            ...[1, 2, 3, 4, 5].map((c) => `${c} ${cap(CONSEQUENCE_NAMES[c as 1 | 2 | 3 | 4 | 5])}`),
          ],
          rows: [5, 4, 3, 2, 1].map((l) => [
            `${l} ${cap(LIKELIHOOD_NAMES[l as 1 | 2 | 3 | 4 | 5])}`,
            ...risks.heatMap.counts[l - 1]!,
          ]),
          empty: 'No open risks.',
        },
      ],
    },
    {
      title: 'Top risks',
      notes: ['The highest-scoring open risks on the register, highest first.'],
      tables: [
        {
          sheet: 'Top risks',
          caption: 'Top risks by score',
          header: ['Risk', 'Title', 'Organisation', 'Score', 'Band', 'Status', 'Owner'],
          rows: risks.topRisks.map((r) => [
            r.id,
            r.title,
            r.orgCode,
            r.score,
            r.band,
            r.status,
            r.owner,
          ]),
          empty: 'No open risks.',
        },
      ],
    },
    {
      title: 'Escalations and decisions',
      notes: [
        `Risks escalated to the ICS cyber group, or decided, in ${view.quarter.label}, with the first decision after each escalation and how long it waited (hours; to the time this pack was made while it still waits).`,
        risks.medianHoursToDecision === undefined
          ? 'No escalation was decided in the quarter.'
          : `Median wait for a decision: ${risks.medianHoursToDecision} hours.`,
      ],
      tables: [
        {
          sheet: 'Escalations',
          caption: `Escalations in ${view.quarter.label}`,
          header: [
            'Risk',
            'Title',
            'Organisation',
            'Escalated',
            'Why',
            'Decision',
            'Decided by',
            'Decided',
            'Hours waited',
          ],
          rows: risks.escalations.map((e) => [
            e.riskId,
            e.title,
            e.orgCode,
            e.escalatedUk,
            e.reason,
            e.decision ?? 'Still waiting',
            e.decidedBy ?? '',
            e.decidedUk ?? '',
            e.waitedHours,
          ]),
          empty: 'No risks were escalated or decided in the quarter.',
        },
        {
          sheet: 'Decisions',
          caption: `Decisions logged in ${view.quarter.label}`,
          header: ['Decision', 'Decided on', 'What was decided', 'Decided by', 'Outcome'],
          rows: risks.decisions.map((d) => [d.id, d.decidedOnUk, d.text, d.decidedBy, d.outcome]),
          empty: 'No decisions were logged in the quarter.',
        },
      ],
    },
    {
      title: 'HSA compliance by organisation',
      notes: [
        `High Severity Alerts NHS England published in ${view.quarter.label}. Each organisation must acknowledge an HSA within 48 hours and patch within 14 days. A percentage is of the HSAs whose deadline has passed or whose step is done; patching leaves out HSAs the organisation is not affected by. Overdue now counts the HSAs it is late on as this pack is made.`,
      ],
      tables: [
        {
          sheet: 'HSA by organisation',
          caption: `HSA compliance by organisation, ${view.quarter.label}`,
          header: [
            'Organisation',
            'HSAs',
            'Acknowledged within 48 hours',
            'Acknowledgements due',
            'Acknowledged within 48 hours (%)',
            'Patched or mitigated within 14 days',
            'Patches due',
            'Patched or mitigated within 14 days (%)',
            'Overdue now',
            'Median days to patch',
          ],
          rows: hsa.byOrganisation.map((o) => [
            `${o.orgName} (${o.orgCode})`,
            o.hsas,
            o.acknowledgedWithin48Hours,
            o.acknowledgementsDue,
            opt(o.acknowledgedWithin48HoursPercent),
            o.patchedOrMitigatedWithin14Days,
            o.patchesDue,
            opt(o.patchedOrMitigatedWithin14DaysPercent),
            o.overdueNow,
            opt(o.medianDaysToPatch),
          ]),
          empty: 'No organisations are set up.',
        },
        {
          sheet: 'HSA states',
          caption: `Each organisation's state on each HSA of ${view.quarter.label} (overdue marked)`,
          header: ['HSA', 'Title', 'Published', ...view.organisations.map((o) => o.code)],
          rows: hsa.byHsa.map((h) => [
            h.dedupKey,
            h.title,
            h.publishedUk,
            ...h.states.map((s) => (s.overdue ? `${s.state} (overdue)` : s.state)),
          ]),
          empty: 'NHS England published no High Severity Alerts in the quarter.',
        },
      ],
    },
    {
      title: 'Alert response times',
      notes: [
        `Alerts raised in ${view.quarter.label} (exercises left out), by the UK week they were raised and their severity: how many were acknowledged and resolved, and the median and mean minutes from raising to acknowledgement and to resolution. Resolved alerts count, and so do alerts acknowledged and still open.`,
      ],
      tables: [
        {
          sheet: 'Alert times by severity',
          caption: `Alert response times by severity, ${view.quarter.label}`,
          header: RESPONSE_HEADER('Severity'),
          rows: alerts.bySeverity.map((s) => [SEVERITY_LABELS[s.severity], ...responseCells(s)]),
          empty: 'No alert raised in the quarter has been acknowledged or resolved.',
        },
        {
          sheet: 'Alert times by week',
          caption: `Alert response times by week and severity, ${view.quarter.label}`,
          header: ['Week', 'ISO week', ...RESPONSE_HEADER('Severity')],
          rows: alerts.byWeek.map((w) => [
            w.weekLabel,
            w.isoWeek,
            SEVERITY_LABELS[w.severity],
            ...responseCells(w),
          ]),
          empty: 'No alert raised in the quarter has been acknowledged or resolved.',
        },
      ],
    },
    ...(view.exercises
      ? [
          {
            title: 'CTAC exercises held',
            notes: [
              `Exercises CTAC started in ${view.quarter.label}: a scenario's alerts injected into the real workflow, marked EXERCISE everywhere and left out of every figure above.`,
            ],
            tables: [
              {
                sheet: 'Exercises',
                caption: `CTAC exercises held in ${view.quarter.label}`,
                header: [
                  'Exercise',
                  'Lead',
                  'Started',
                  'Ended',
                  'Participants',
                  'Alerts injected',
                  'Outcome',
                ],
                rows: view.exercises.map((e) => [
                  e.name,
                  e.lead,
                  e.startedUk,
                  e.endedUk ?? 'Still running',
                  e.participants,
                  e.alertsInjected,
                  e.outcome ?? '',
                ]),
                empty: 'No exercise was held in the quarter.',
              },
            ],
          },
        ]
      : []),
    ...(view.suppliersDue
      ? [
          {
            title: 'Suppliers due for review',
            notes: [
              'Critical supplier reviews and assurance expiries (DSPT, ISO 27001, Cyber Essentials Plus) due by the end of the quarter after this one, soonest first; overdue ones are marked.',
            ],
            tables: [
              {
                sheet: 'Suppliers due',
                caption: 'Supplier reviews and assurance falling due',
                header: ['Supplier', 'Criticality', 'Organisations', 'What', 'Due', 'Overdue'],
                rows: view.suppliersDue.map((d) => [
                  d.name,
                  d.criticality,
                  d.organisations.join(', '),
                  d.what,
                  d.dueUk,
                  d.overdue ? 'Overdue' : '',
                ]),
                empty: 'Nothing falls due by the end of the next quarter.',
              },
            ],
          },
        ]
      : []),
    ...(view.dspt
      ? [
          {
            title: 'DSPT status by organisation',
            notes: [
              "Each organisation's latest Data Security and Protection Toolkit assessment as its lead recorded it in CTAC, as this pack was made: standards exceeded, met or not met, and the date of the assessment.",
            ],
            tables: [
              {
                sheet: 'DSPT',
                caption: 'DSPT status by organisation',
                header: ['Organisation', 'Status', 'Assessed on', 'Recorded by'],
                rows: view.dspt.map((d) => [
                  `${d.orgName} (${d.orgCode})`,
                  d.status,
                  d.assessedOnUk ?? '',
                  d.recordedBy ?? '',
                ]),
                empty: 'No organisations are set up.',
              },
            ],
          },
        ]
      : []),
  ].map((section) => ({
    ...section,
    tables: section.tables.map((t) => ({ ...t, rows: t.rows.map((r) => r.map(clean)) })),
  }));
}

const RESPONSE_HEADER = (first: string) => [
  first,
  'Acknowledged',
  'Median minutes to acknowledge',
  'Mean minutes to acknowledge',
  'Resolved',
  'Median minutes to resolve',
  'Mean minutes to resolve',
];

const responseCells = (t: {
  acknowledged: number;
  medianMinutesToAcknowledge?: number;
  meanMinutesToAcknowledge?: number;
  resolved: number;
  medianMinutesToResolve?: number;
  meanMinutesToResolve?: number;
}): BoardPackCell[] => [
  t.acknowledged,
  opt(t.medianMinutesToAcknowledge),
  opt(t.meanMinutesToAcknowledge),
  t.resolved,
  opt(t.medianMinutesToResolve),
  opt(t.meanMinutesToResolve),
];

/** People's text is shown as text: control characters go. */
const clean = (cell: BoardPackCell): BoardPackCell =>
  typeof cell === 'number' ? cell : cell.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
