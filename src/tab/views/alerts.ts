import type { AlertRowView, AlertWeekView } from '../../contract/alerts';
import { getJson } from '../api';
import { DataTable, h, Loaded, useLoad } from '../ui';

interface AlertsAnswer {
  open: AlertRowView[];
  weeks: AlertWeekView[];
  resolvedCounted: boolean;
}

const duration = (minutes: number | undefined, none: string): string => {
  if (minutes === undefined) return none;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
};

/** Open alerts, and the median time to acknowledge and to resolve per week. */
export function AlertsView() {
  const state = useLoad(() => getJson<AlertsAnswer>('/api/tab/alerts'), []);
  return h(
    'section',
    { 'aria-labelledby': 'alerts-heading' },
    h('h2', { id: 'alerts-heading' }, 'Alerts'),
    h(Loaded<AlertsAnswer>, {
      state,
      label: 'alerts',
      children: (view) =>
        h(
          'div',
          null,
          h('h3', null, `Open alerts (${view.open.length})`),
          h(DataTable, {
            caption: 'Open alerts, newest first',
            columns: ['Alert', 'Title', 'Severity', 'State', 'Raised', 'Acknowledged by'],
            empty: 'No alerts are open.',
            rows: view.open.map((a) => ({
              key: a.id,
              cells: [
                `${a.source} ${a.key}`,
                a.title,
                a.severity,
                a.stateLabel,
                a.raisedAtUk,
                a.acknowledgedBy ?? '',
              ],
            })),
          }),
          h('h3', null, 'Response times per week'),
          !view.resolvedCounted &&
            h(
              'p',
              null,
              'These figures cover the alerts that are still open: resolved alerts are not listed by week yet.',
            ),
          h(DataTable, {
            caption: 'Alerts raised each week and how fast they were acknowledged and resolved',
            columns: [
              'Week of',
              'Raised',
              'Acknowledged',
              'Median time to acknowledge',
              'Resolved',
              'Median time to resolve',
            ],
            empty: 'No weeks to show.',
            rows: view.weeks.map((w) => ({
              key: w.weekOf,
              // A quiet week says so once, across the figures, rather than a row of noughts.
              cells:
                w.raised === 0
                  ? [w.weekOfUk, 'No alerts this week']
                  : [
                      w.weekOfUk,
                      String(w.raised),
                      String(w.acknowledged),
                      duration(w.medianMinutesToAcknowledge, 'None acknowledged yet'),
                      String(w.resolved),
                      duration(w.medianMinutesToResolve, 'None resolved yet'),
                    ],
            })),
          }),
        ),
    }),
  );
}
