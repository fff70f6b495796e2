import { getToken, openLink } from './teams';

/** A refusal or failure from the tab's API, with the message to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = await getToken();
  const res = await fetch(path, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      authorization: `Bearer ${token}`,
    },
  });
  if (!res.ok) {
    let message = `The request failed (${res.status}).`;
    let problems: string[] = [];
    try {
      const body = (await res.json()) as { error?: { message?: string; problems?: string[] } };
      message = body.error?.message ?? message;
      problems = body.error?.problems ?? [];
    } catch {
      // Not JSON: keep the plain message.
    }
    throw new ApiError(res.status, message, problems);
  }
  return (await res.json()) as T;
}

export const getJson = <T>(path: string): Promise<T> => request<T>(path);
export const postJson = <T>(path: string, body: unknown): Promise<T> =>
  request<T>(path, { method: 'POST', body: JSON.stringify(body) });

/** What the tab can ask to export (POST /api/tab/exports). */
export interface ExportAsk {
  kind: 'alerts' | 'hsa-responses' | 'audit' | 'risks' | 'decisions' | 'audit-log' | 'board-pack';
  format: 'csv' | 'xlsx' | 'pdf';
  /** The board pack's quarter (`2026-Q3`). */
  quarter?: string;
  /** ISO days, for the ranged kinds. */
  from?: string;
  to?: string;
}

/**
 * Asks for an export and opens its one-time link with teams-js `app.openLink`, so the file comes in the
 * system browser. Never a blob download: those fail in the new Teams client and on phones.
 */
export async function openExport(ask: ExportAsk): Promise<void> {
  const { url } = await postJson<{ url: string; expiresAt: string }>('/api/tab/exports', ask);
  await openLink(url);
}

export const query = (params: Record<string, string>): string => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const s = q.toString();
  return s ? `?${s}` : '';
};
