import { getToken } from './teams';

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

/** Downloads a CSV export with the bearer token and hands it to the browser as a file. */
export async function downloadCsv(path: string, fileName: string): Promise<void> {
  const token = await getToken();
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new ApiError(res.status, `The export failed (${res.status}).`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  URL.revokeObjectURL(url);
}

export const query = (params: Record<string, string>): string => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const s = q.toString();
  return s ? `?${s}` : '';
};
