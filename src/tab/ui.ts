import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { createElement as h, useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';

export { h };

/** Loads data for a view and reloads it on demand; keeps the last error to show. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    setLoading(true);
    run()
      .then((d) => {
        setData(d);
        setError(undefined);
      })
      .catch(setError)
      .finally(() => setLoading(false));
  }, [run]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}

export const errorText = (e: unknown): string =>
  e instanceof ApiError || e instanceof Error ? e.message : 'Something went wrong.';

export function ErrorBar({ error, title }: { error: unknown; title?: string }) {
  const problems = error instanceof ApiError ? error.problems : [];
  return h(
    MessageBar,
    { intent: 'error', role: 'alert' },
    h(
      MessageBarBody,
      null,
      title && h(MessageBarTitle, null, title),
      errorText(error),
      problems.length > 0 && h('ul', null, ...problems.map((p, i) => h('li', { key: i }, p))),
    ),
  );
}

/** The loading, error and empty states every view shares. */
export function Loaded<T>(props: {
  state: { data?: T; error?: unknown; loading: boolean };
  label: string;
  children: (data: T) => ReactNode;
}) {
  const { data, error, loading } = props.state;
  if (error) return h(ErrorBar, { error });
  if (!data) return loading ? h(Spinner, { label: `Loading ${props.label}...` }) : null;
  return h('div', { 'aria-busy': loading }, props.children(data));
}

/**
 * A box that scrolls sideways by itself when what it holds is wider than the screen (a table on a phone), so
 * the page never does. Focusable and named, so keyboard users can scroll it too.
 */
export function ScrollBox(props: { label: string; children?: ReactNode }) {
  return h(
    'div',
    { className: 'ctac-scroll', role: 'region', 'aria-label': props.label, tabIndex: 0 },
    props.children,
  );
}

/**
 * A plain data table with a caption and column headers, as screen readers expect. A row with fewer cells than
 * columns has its last cell span the rest (a week with nothing to count says so once).
 */
export function DataTable(props: {
  caption: string;
  columns: string[];
  rows: { key: string; cells: ReactNode[]; className?: string }[];
  empty: string;
}) {
  if (props.rows.length === 0) return h('p', null, props.empty);
  const span = (cells: number, i: number) =>
    i === cells - 1 && cells < props.columns.length
      ? { colSpan: props.columns.length - cells + 1 }
      : {};
  return h(
    ScrollBox,
    { label: props.caption },
    h(
      Table,
      { 'aria-label': props.caption, size: 'small', className: 'ctac-table' },
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
          h(
            TableRow,
            { key: r.key, className: r.className },
            ...r.cells.map((c, i) => h(TableCell, { key: i, ...span(r.cells.length, i) }, c)),
          ),
        ),
      ),
    ),
  );
}
