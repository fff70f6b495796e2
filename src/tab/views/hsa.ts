import { Badge } from '@fluentui/react-components';
import type { HsaComplianceView } from '../../contract/hsa';
import { getJson } from '../api';
import { h, Loaded, ScrollBox, useLoad } from '../ui';

/** Each open HSA against each organisation: acknowledged in 48 hours, applicability, remediation, overdue. */
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
        view.hsas.length === 0
          ? h('p', null, 'No High Severity Alerts are open.')
          : h(
              ScrollBox,
              { label: 'Open HSAs by organisation' },
              h(
                'table',
                { className: 'ctac-grid' },
                h('caption', null, 'Open HSAs by organisation; overdue items are marked'),
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
                  ...view.hsas.map((hsa) =>
                    h(
                      'tr',
                      { key: hsa.alertId },
                      h(
                        'th',
                        { scope: 'row' },
                        `${hsa.hsaId} ${hsa.title}`,
                        h('br'),
                        h('small', null, `${hsa.severity}, published ${hsa.publishedAtUk}`),
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
            ),
    }),
  );
}
