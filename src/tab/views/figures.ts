import {
  Button,
  Field,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import {
  GroupedVerticalBarChart,
  HorizontalBarChartWithAxis,
  type GroupedVerticalBarChartData,
  type HorizontalBarChartWithAxisDataPoint,
} from '@fluentui/react-charts';
import { useState, type ReactNode } from 'react';
import { SEVERITY_LABELS, type FiguresView as Figures } from '../../contract/figures';
import type { SeverityRank } from '../../domain/alerts/severity';
import { parseQuarter, previousQuarter, quarterOf } from '../../domain/figures';
import { CONSEQUENCE_NAMES, LIKELIHOOD_NAMES } from '../../domain/risk/risk-scale';
import { getJson, query } from '../api';
import { ErrorBar, h, Loaded, ScrollBox, useLoad } from '../ui';

/** Severity colours that keep their contrast in the light, dark and high-contrast Teams themes. */
const SEVERITY_COLOURS: Record<SeverityRank, string> = {
  critical: '#c50f1f',
  high: '#da3b01',
  medium: '#986f0b',
  low: '#0f6cbd',
  information: '#616161',
};

const n = (value: number | undefined, unit = ''): string =>
  value === undefined ? 'None yet' : `${value.toLocaleString('en-GB')}${unit}`;

/** The last eight quarters, newest first, for the quarter picker. */
function recentQuarters(now: Date): { id: string; label: string }[] {
  const out = [quarterOf(now)];
  while (out.length < 8) out.push(previousQuarter(out.at(-1)!));
  return out.map((q) => ({ id: q.id, label: q.label }));
}

/** A table with a real <caption> and column headers; `empty` is said instead of a table with no rows. */
function DataTable(props: {
  caption: string;
  columns: string[];
  rows: { key: string; cells: string[] }[];
  empty: string;
}) {
  if (props.rows.length === 0) return h('p', null, props.empty);
  return h(
    ScrollBox,
    { label: props.caption },
    h(
      Table,
      { size: 'small', className: 'ctac-table' },
      h('caption', { className: 'ctac-caption' }, props.caption),
      h(
        TableHeader,
        null,
        h(
          TableRow,
          null,
          ...props.columns.map((c) => h(TableHeaderCell, { key: c, scope: 'col' }, c)),
        ),
      ),
      h(
        TableBody,
        null,
        ...props.rows.map((r) =>
          h(TableRow, { key: r.key }, ...r.cells.map((c, i) => h(TableCell, { key: i }, c))),
        ),
      ),
    ),
  );
}

/**
 * A chart beside its accessible table: the chart (a figure named by its title, whose bars Fluent labels for
 * screen readers) and a real <table> with a caption holding every figure it draws.
 */
function ChartWithTable(props: { title: string; chart: ReactNode; table: ReactNode }) {
  return h(
    'div',
    { className: 'ctac-chart-pair' },
    h(
      'figure',
      { className: 'ctac-chart', 'aria-label': `${props.title} chart`, 'data-chart': props.title },
      props.chart,
    ),
    h('div', { className: 'ctac-chart-table' }, props.table),
  );
}

/** The quarter's figures for leads: charts with tables beside them, and the board pack to download. */
export function FiguresView(props: {
  onBoardPack?: (quarter: string, format: 'pdf' | 'xlsx') => Promise<void>;
}) {
  const quarters = recentQuarters(new Date());
  const [quarter, setQuarter] = useState(quarters[0]!.id);
  const [packError, setPackError] = useState<unknown>();
  const state = useLoad(() => getJson<Figures>(`/api/tab/figures${query({ quarter })}`), [quarter]);
  const label = parseQuarter(quarter)?.label ?? quarter;
  return h(
    'section',
    { 'aria-labelledby': 'figures-heading' },
    h('h2', { id: 'figures-heading' }, 'Figures'),
    h(
      'div',
      { className: 'ctac-filters' },
      h(
        Field,
        { label: 'Quarter (NHS financial year)' },
        h(
          Select,
          { value: quarter, onChange: (_e, d) => setQuarter(d.value) },
          ...quarters.map((q) => h('option', { key: q.id, value: q.id }, q.label)),
        ),
      ),
      props.onBoardPack &&
        h(
          Button,
          {
            onClick: () =>
              props.onBoardPack!(quarter, 'pdf').then(() => setPackError(undefined), setPackError),
          },
          `Board pack for ${label} (PDF)`,
        ),
      props.onBoardPack &&
        h(
          Button,
          {
            onClick: () =>
              props.onBoardPack!(quarter, 'xlsx').then(() => setPackError(undefined), setPackError),
          },
          `Board pack for ${label} (Excel)`,
        ),
    ),
    packError ? h(ErrorBar, { error: packError, title: 'The board pack could not be made' }) : null,
    h(Loaded<Figures>, {
      state,
      label: 'the figures',
      children: (view) =>
        h(
          'div',
          null,
          h(
            'p',
            null,
            `${view.quarter.label}: ${view.quarter.firstDayUk} to ${view.quarter.lastDayUk}. Worked out ${view.madeAtUk}.`,
          ),
          h(HsaFigures, { view }),
          h(AlertFigures, { view }),
          h(RiskFigures, { view }),
          view.dspt && h(DsptFigures, { dspt: view.dspt }),
        ),
    }),
  );
}

function HsaFigures({ view }: { view: Figures }) {
  const orgs = view.hsa.byOrganisation;
  const data: HorizontalBarChartWithAxisDataPoint[] = orgs.flatMap((o) => [
    {
      y: `${o.orgCode} acknowledged in 48 h`,
      x: o.acknowledgedWithin48HoursPercent ?? 0,
      legend: 'Acknowledged within 48 hours (%)',
      color: '#0f6cbd',
    },
    {
      y: `${o.orgCode} patched in 14 days`,
      x: o.patchedOrMitigatedWithin14DaysPercent ?? 0,
      legend: 'Patched or mitigated within 14 days (%)',
      color: '#107c10',
    },
  ]);
  return h(
    'div',
    null,
    h('h3', null, 'HSA compliance by organisation'),
    h(ChartWithTable, {
      title: 'HSA compliance',
      chart:
        orgs.length > 0 &&
        h(HorizontalBarChartWithAxis, {
          data,
          chartTitle: 'HSA compliance by organisation, per cent',
          height: Math.max(160, data.length * 34),
          width: 520,
          xMaxValue: 100,
          hideTooltip: false,
        }),
      table: h(DataTable, {
        caption: `HSA compliance by organisation, ${view.quarter.label}`,
        columns: [
          'Organisation',
          'HSAs',
          'Acknowledged within 48 hours',
          'Patched or mitigated within 14 days',
          'Overdue now',
          'Median days to patch',
        ],
        empty: 'No organisations are set up.',
        rows: orgs.map((o) => ({
          key: o.orgCode,
          cells: [
            `${o.orgName} (${o.orgCode})`,
            String(o.hsas),
            `${n(o.acknowledgedWithin48HoursPercent, '%')} (${o.acknowledgedWithin48Hours} of ${o.acknowledgementsDue})`,
            `${n(o.patchedOrMitigatedWithin14DaysPercent, '%')} (${o.patchedOrMitigatedWithin14Days} of ${o.patchesDue})`,
            String(o.overdueNow),
            n(o.medianDaysToPatch),
          ],
        })),
      }),
    }),
    h(DataTable, {
      caption: `Each organisation's state on each HSA of ${view.quarter.label}`,
      columns: ['HSA', 'Published', ...view.organisations.map((o) => o.code)],
      empty: 'NHS England published no High Severity Alerts in this quarter.',
      rows: view.hsa.byHsa.map((row) => ({
        key: row.alertId,
        cells: [
          `${row.dedupKey} ${row.title}`,
          row.publishedUk,
          ...row.states.map((s) => (s.overdue ? `${s.state} (overdue)` : s.state)),
        ],
      })),
    }),
  );
}

const minutes = (value: number | undefined): string => {
  if (value === undefined) return 'None yet';
  if (value < 60) return `${value} min`;
  return `${Math.floor(value / 60)} h ${value % 60} min`;
};

function AlertFigures({ view }: { view: Figures }) {
  const severities = [...new Set(view.alerts.byWeek.map((w) => w.severity))];
  const chart = (pick: 'medianMinutesToAcknowledge' | 'medianMinutesToResolve') =>
    view.alerts.weeks
      .map((week): GroupedVerticalBarChartData => ({
        name: week.isoWeek,
        series: severities.map((severity) => {
          const row = view.alerts.byWeek.find(
            (w) => w.weekOf === week.weekOf && w.severity === severity,
          );
          return {
            key: `${week.weekOf}-${severity}`,
            data: row?.[pick] ?? 0,
            legend: SEVERITY_LABELS[severity],
            color: SEVERITY_COLOURS[severity],
          };
        }),
      }))
      .filter((group) => group.series.some((s) => s.data > 0));
  const acknowledge = chart('medianMinutesToAcknowledge');
  const resolve = chart('medianMinutesToResolve');
  return h(
    'div',
    null,
    h('h3', null, 'Alert response times by week and severity'),
    h(
      'p',
      null,
      'Median minutes from raising to acknowledgement and to resolution, by the UK week the alert was raised. Resolved alerts count; exercises do not.',
    ),
    h(ChartWithTable, {
      title: 'Alert response times',
      chart: h(
        'div',
        null,
        acknowledge.length > 0 &&
          h(GroupedVerticalBarChart, {
            data: acknowledge,
            chartTitle: 'Median minutes to acknowledge',
            height: 260,
            width: 520,
            yAxisTickCount: 4,
          }),
        resolve.length > 0 &&
          h(GroupedVerticalBarChart, {
            data: resolve,
            chartTitle: 'Median minutes to resolve',
            height: 260,
            width: 520,
            yAxisTickCount: 4,
          }),
      ),
      table: h(DataTable, {
        caption: `Alert response times by week and severity, ${view.quarter.label}`,
        columns: [
          'Week',
          'Severity',
          'Acknowledged',
          'Median time to acknowledge',
          'Resolved',
          'Median time to resolve',
        ],
        empty: 'No alert raised in this quarter has been acknowledged or resolved.',
        rows: view.alerts.byWeek.map((w) => ({
          key: `${w.weekOf}-${w.severity}`,
          cells: [
            `${w.weekLabel} (${w.isoWeek})`,
            SEVERITY_LABELS[w.severity],
            String(w.acknowledged),
            minutes(w.medianMinutesToAcknowledge),
            String(w.resolved),
            minutes(w.medianMinutesToResolve),
          ],
        })),
      }),
    }),
  );
}

const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const LEVELS = [1, 2, 3, 4, 5] as const;

/** The 5 by 5 heat map as a table grid: likelihood down, consequence across, each cell a count. */
function HeatMap({ view }: { view: Figures }) {
  const { counts, total } = view.risks.heatMap;
  const caption = `Open risks by likelihood and consequence (${total} in all)`;
  return h(
    ScrollBox,
    { label: caption },
    h(
      'table',
      { className: 'ctac-heatmap' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Likelihood \\ Consequence'),
          ...LEVELS.map((c) =>
            h('th', { key: c, scope: 'col' }, `${c} ${cap(CONSEQUENCE_NAMES[c])}`),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        ...[...LEVELS].reverse().map((l) =>
          h(
            'tr',
            { key: l },
            h('th', { scope: 'row' }, `${l} ${cap(LIKELIHOOD_NAMES[l])}`),
            ...LEVELS.map((c) =>
              h(
                'td',
                {
                  key: c,
                  'data-score': l * c,
                  className: `ctac-heat-${l * c >= 15 ? 'high' : l * c >= 8 ? 'medium' : 'low'}`,
                },
                String(counts[l - 1]?.[c - 1] ?? 0),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function RiskFigures({ view }: { view: Figures }) {
  const { risks } = view;
  return h(
    'div',
    null,
    h('h3', null, 'Risks'),
    h(HeatMap, { view }),
    h(DataTable, {
      caption: 'Top risks by score',
      columns: ['Risk', 'Title', 'Organisation', 'Score', 'Band', 'Status'],
      empty: 'No open risks.',
      rows: risks.topRisks.map((r) => ({
        key: r.id,
        cells: [r.id, r.title, r.orgCode, String(r.score), r.band, r.status],
      })),
    }),
    h(
      'p',
      null,
      risks.medianHoursToDecision === undefined
        ? 'No escalation was decided in this quarter.'
        : `Median wait for a decision: ${risks.medianHoursToDecision} hours.`,
    ),
    h(DataTable, {
      caption: `Escalations in ${view.quarter.label} and the decisions taken`,
      columns: ['Risk', 'Escalated', 'Decision', 'Decided', 'Hours waited'],
      empty: 'No risks were escalated or decided in this quarter.',
      rows: risks.escalations.map((e) => ({
        key: `${e.riskId}-${e.escalatedUk}`,
        cells: [
          `${e.riskId} ${e.title} (${e.orgCode})`,
          e.escalatedUk,
          e.decision ? `${e.decision} (${e.decidedBy})` : 'Still waiting',
          e.decidedUk ?? '',
          String(e.waitedHours),
        ],
      })),
    }),
    h(DataTable, {
      caption: `Decisions logged in ${view.quarter.label}`,
      columns: ['Decided on', 'What was decided', 'Decided by', 'Outcome'],
      empty: 'No decisions were logged in this quarter.',
      rows: risks.decisions.map((d) => ({
        key: d.id,
        cells: [d.decidedOnUk, d.text, d.decidedBy, d.outcome],
      })),
    }),
    // The tab lists the newest decisions of a busy quarter only; the board pack has every one.
    risks.decisionsInQuarter > risks.decisions.length &&
      h(
        'p',
        { className: 'ctac-figures-more-decisions' },
        `Showing the newest ${risks.decisions.length.toLocaleString('en-GB')} of the ${risks.decisionsInQuarter.toLocaleString('en-GB')} decisions logged in ${view.quarter.label}. The board pack lists them all, and the Decisions view finds any of them.`,
      ),
  );
}

/** Each organisation's latest DSPT status, as its lead recorded it. */
function DsptFigures({ dspt }: { dspt: NonNullable<Figures['dspt']> }) {
  return h(
    'div',
    null,
    h('h3', null, 'DSPT status by organisation'),
    h(DataTable, {
      caption: 'DSPT status by organisation (latest recorded)',
      columns: ['Organisation', 'Status', 'Assessed on', 'Recorded by'],
      empty: 'No organisations are set up.',
      rows: dspt.map((d) => ({
        key: d.orgCode,
        cells: [`${d.orgName} (${d.orgCode})`, d.status, d.assessedOnUk ?? '', d.recordedBy ?? ''],
      })),
    }),
  );
}
