import { Badge } from '@fluentui/react-components';
import type { HsaComplianceRow, HsaComplianceView } from '../../contract/hsa';
import { getJson } from '../api';
import { h, Loaded, ScrollBox, useLoad } from '../ui';

/** One table of HSAs against organisations: acknowledged in 48 hours, applicability, remediation, overdue. */
function hsaTable(view: HsaComplianceView, rows: HsaComplianceRow[], caption: string) {
  return h(
    ScrollBox,
    { label: caption },
    h(
      'table',
      { className: 'ctac-grid' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'HSA'),
          ...view.organisations.map((o) =>
            h('th', { key: o.code, scope: 'col' }, h('abbr', { title: o.name }, o.code)),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        ...rows.map((hsa) =>
          h(
            'tr',
            { key: hsa.alertId },
            h(
              'th',
              { scope: 'row' },
              `${hsa.hsaId} ${hsa.title}`,
              h('br'),
              h(
                'small',
                null,
                `${hsa.severity}, published ${hsa.publishedAtUk}${hsa.resolved ? '; alert resolved in the channel' : ''}`,
              ),
            ),
            ...hsa.cells.map((c) =>
              h(
                'td',
                {
                  key: c.orgCode,
                  className: c.overdue.length ? 'ctac-overdue' : undefined,
                },
                c.acknowledged
                  ? c.acknowledgedInTime
                    ? `Acknowledged in 48 h (${c.acknowledgedAtUk})`
                    : `Acknowledged late (${c.acknowledgedAtUk})`
                  : 'Not acknowledged',
                h('br'),
                `Applies: ${c.applicability}; ${c.remediation}`,
                c.overdue.length > 0 &&
                  h(
                    'div',
                    null,
                    h(Badge, { color: 'danger', appearance: 'filled' }, 'Overdue'),
                    h('ul', null, ...c.overdue.map((o, i) => h('li', { key: i }, o))),
                  ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Every HSA some organisation has not finished (patched, mitigated or not affected), whether or not its
 * channel alert is resolved, then the history of HSAs every organisation has finished.
 */
export function HsaView() {
  const state = useLoad(() => getJson<HsaComplianceView>('/api/tab/hsa-compliance'), []);
  return h(
    'section',
    { 'aria-labelledby': 'hsa-heading' },
    h('h2', { id: 'hsa-heading' }, 'HSA compliance'),
    h(Loaded<HsaComplianceView>, {
      state,
      label: 'HSA compliance',
      children: (view) =>
        h(
          'div',
          null,
          view.hsas.length === 0
            ? h('p', null, 'Every organisation has finished with every High Severity Alert.')
            : hsaTable(
                view,
                view.hsas,
                'HSAs an organisation has not finished, by organisation; overdue items are marked',
              ),
          (view.history ?? []).length > 0 &&
            h(
              'div',
              null,
              h('h3', null, 'Finished HSAs'),
              hsaTable(
                view,
                view.history,
                'HSAs every organisation has patched, mitigated or found not affected',
              ),
            ),
        ),
    }),
  );
}
