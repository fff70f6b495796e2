import type { RotaView } from '../../contract/rota';
import { getJson } from '../api';
import { DataTable, h, Loaded, useLoad } from '../ui';

/** Who is on call now and next, the coming weeks, and the gaps. */
export function RotaViewPanel() {
  const state = useLoad(() => getJson<RotaView>('/api/tab/rota'), []);
  return h(
    'section',
    { 'aria-labelledby': 'rota-heading' },
    h('h2', { id: 'rota-heading' }, 'Rota'),
    h(Loaded<RotaView>, {
      state,
      label: 'the rota',
      children: (view) =>
        h(
          'div',
          null,
          h(DataTable, {
            caption: 'On call now and next',
            columns: ['Layer', 'On call now', 'Until', 'Next'],
            empty: 'No rota is set up yet.',
            rows: view.layers.map((l) => ({
              key: l.layer,
              className: l.gapNow ? 'ctac-overdue' : undefined,
              cells: [
                l.layer,
                l.gapNow ? 'Nobody: a gap' : l.now.join(', '),
                l.untilUk ?? '',
                l.next.length ? l.next.join(', ') : 'nobody',
              ],
            })),
          }),
          h('h3', null, `Gaps in the next 4 weeks (${view.gaps.length})`),
          view.gaps.length === 0
            ? h('p', null, 'No gaps: someone is on call throughout.')
            : h(
                'ul',
                null,
                ...view.gaps.map((g, i) =>
                  h(
                    'li',
                    { key: i, className: 'ctac-overdue' },
                    `${g.layer}: nobody from ${g.startUk} to ${g.endUk}`,
                  ),
                ),
              ),
          h('h3', null, 'The coming weeks'),
          h(DataTable, {
            caption: 'Shifts in the next 4 weeks',
            columns: ['Layer', 'Who', 'From', 'To'],
            empty: 'No shifts are scheduled.',
            rows: view.shifts.map((s, i) => ({
              key: `${s.start}-${s.layer}-${i}`,
              cells: [
                s.layer,
                s.coveringFor ? `${s.who} (covering ${s.coveringFor})` : s.who,
                s.startUk,
                s.endUk,
              ],
            })),
          }),
        ),
    }),
  );
}
