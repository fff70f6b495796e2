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
import {
  createContext,
  createElement as h,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { ApiError } from './api';

export { h };

/**
 * Moves on each time the tab comes back into view (src/tab/app.ts): every view's data loads again, and
 * what the view holds in its own state (filters, a half-typed form) stays as it was.
 */
export const RefreshContext = createContext(0);

/**
 * Loads data for a view, again when `deps` change, when the tab comes back into view and on demand; keeps
 * the last error to show. Only the latest request's answer is kept: when filters change quickly, a slow
 * answer to an older request arriving after a newer one is dropped rather than shown.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const refresh = useContext(RefreshContext);
  const latest = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const request = ++latest.current;
    const current = () => request === latest.current;
    setLoading(true);
    run()
      .then((d) => {
        if (!current()) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (current()) setError(e);
      })
      .finally(() => {
        if (current()) setLoading(false);
      });
  }, [run]);
  useEffect(() => {
    reload();
    // Unmounted or asked again: whatever is still on its way is no longer wanted.
    return () => {
      latest.current++;
    };
  }, [reload, refresh]);
  return { data, error, loading, reload };
}

/**
 * Where a deep link's item stands once its view has loaded: `found` (the view shows it, scrolled to and
 * focused), `missing` (decided, finished or not the person's to see) or `pending`. Settled once, on the
 * first load, so the item leaving the list later (decided in the tab) does not say it is gone.
 */
export function useLinkedItem(
  itemId: string | undefined,
  ids: readonly string[] | undefined,
): 'found' | 'missing' | 'pending' | undefined {
  const [outcome, setOutcome] = useState<'found' | 'missing' | 'pending' | undefined>(
    itemId ? 'pending' : undefined,
  );
  useEffect(() => {
    if (outcome !== 'pending' || !itemId || !ids) return;
    const found = ids.includes(itemId);
    setOutcome(found ? 'found' : 'missing');
    if (found) {
      const el = document.getElementById(linkedDomId(itemId));
      el?.scrollIntoView({ block: 'start' });
      el?.focus({ preventScroll: true });
    }
  }, [outcome, itemId, ids]);
  return outcome;
}

/** The DOM id of an item a deep link can open, for scrolling to it. */
export const linkedDomId = (itemId: string): string =>
  `linked-${itemId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The friendly bar for a deep link to something the view no longer shows. */
export function MissingItemBar({ what }: { what: string }) {
  return h(
    MessageBar,
    { intent: 'warning', role: 'status' },
    h(MessageBarBody, null, h(MessageBarTitle, null, 'That item is no longer there'), what),
  );
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
