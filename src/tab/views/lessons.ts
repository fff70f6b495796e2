import { Button, Field, Input } from '@fluentui/react-components';
import { useState } from 'react';
import type { LessonsView as LessonsAnswer } from '../../contract/reviews';
import { getJson, query } from '../api';
import { DataTable, h, Loaded, useLoad } from '../ui';

/** Lessons from post-incident and exercise reviews, searched by words (GET /api/tab/lessons?q=). */
export function LessonsView(props: { version: number }) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const state = useLoad(
    () => getJson<LessonsAnswer>(`/api/tab/lessons${query({ q })}`),
    [q, props.version],
  );
  return h(
    'section',
    { 'aria-labelledby': 'lessons-heading' },
    h('h2', { id: 'lessons-heading' }, 'Lessons'),
    h(
      'form',
      {
        role: 'search',
        'aria-label': 'Search the lessons',
        className: 'ctac-filters',
        onSubmit: (ev: { preventDefault(): void }) => {
          ev.preventDefault();
          setQ(typed.trim());
        },
      },
      h(
        Field,
        { label: 'Words' },
        h(Input, {
          value: typed,
          onChange: (_ev: unknown, data: { value: string }) => setTyped(data.value),
        }),
      ),
      h(Button, { type: 'submit', appearance: 'primary' }, 'Search'),
    ),
    h(Loaded<LessonsAnswer>, {
      state,
      label: 'lessons',
      children: ({ lessons }) =>
        h(DataTable, {
          caption: 'Lessons from reviews, newest first',
          columns: ['From', 'What happened', 'Lessons', 'Saved', 'Open actions'],
          empty: 'No lessons match.',
          rows: lessons.map((l) => ({
            key: `${l.subjectKind}-${l.subjectId}`,
            cells: [
              `${l.subjectKind === 'exercise' ? 'Exercise' : 'Incident'}: ${l.title}`,
              l.whatHappened,
              l.lessons.join(' '),
              `${l.savedOn} by ${l.savedBy}`,
              String(l.openActions),
            ],
          })),
        }),
    }),
  );
}
