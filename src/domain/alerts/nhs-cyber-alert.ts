import { DateTime } from 'luxon';
import { UK_ZONE } from '../shared/time';
import { isHttpsUrl, MAX_DEDUP_KEY, type IncomingAlert } from './alert';
import { cleanLine } from '../shared/clean-text';
import {
  MAX_REMEDIATION,
  MAX_SUMMARY,
  MAX_TITLE,
  stripHtml,
  truncate,
} from './alert-text';
import type { HsaSeverity } from './severity';

/**
 * Mapping of the NHS England cyber alerts API (`/page?page=N` items and `/single?threatid=...`
 * answers) to incoming HSAs. The API's fields follow a Java bean: any may be missing or null, and
 * fields we do not know are ignored.
 *
 * Link: we use the alert's NHS page, `https://digital.nhs.uk/cyber-alerts/<year>/<id lower case>`,
 * because that is where the alert, its remediation and the "acknowledge" button for organisations
 * live. `ncscLink` is only a fallback for when the year is unknown: in the data it is often just the
 * NCSC home page (as for CC-9003), which tells the reader nothing about the alert.
 */
export interface NhsCyberAlert {
  incoming: IncomingAlert;
  /** `publicallyAccessible: false`: details are for registered organisations, on the NHS site. */
  restricted: boolean;
  /**
   * False when the API gave no severity we know (restricted alerts have none): the alert is then
   * shown as Information only, and the poller may want /single before trusting it.
   */
  severityGiven: boolean;
  threatType?: string;
}

/** One page of `/page?page=N`, mapped. Items that cannot be mapped are listed, not thrown. */
export interface NhsCyberAlertPage {
  currentPage?: number;
  totalPages?: number;
  alerts: NhsCyberAlert[];
  skipped: string[];
}

const NHS_PAGE_BASE = 'https://digital.nhs.uk/cyber-alerts';
const CVE = /^CVE-\d{4}-\d{4,}$/;
 
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

const SEVERITIES: Record<string, HsaSeverity> = {
  critical: 'High',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  'information only': 'Information only',
  information: 'Information only',
  info: 'Information only',
};

function publishedAt(value: unknown): Date | undefined {
  const ms =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  // Epoch milliseconds; anything before 2000 is not a real publication date.
  return Number.isFinite(ms) && ms >= 946_684_800_000 && ms < 8.64e15 ? new Date(ms) : undefined;
}

function cveIds(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const ids = value
    .map((item) => (isRecord(item) ? item.cveIdentifier : item))
    .filter((id): id is string => typeof id === 'string')
    .map((id) => id.trim().toUpperCase())
    .filter((id) => CVE.test(id));
  return [...new Set(ids)];
}

function remediation(intro: unknown, steps: unknown): string | undefined {
  const parts: string[] = [];
  const introHtml = isRecord(intro) ? text(intro.content) : text(intro);
  if (introHtml) parts.push(stripHtml(introHtml));
  if (Array.isArray(steps)) {
    const ordered = steps
      .filter(isRecord)
      .map((step, i) => ({ step, n: Number(step.step), i }))
      .sort((a, b) => (Number.isFinite(a.n) && Number.isFinite(b.n) ? a.n - b.n : a.i - b.i));
    ordered.forEach(({ step }, i) => {
      const action = text(step.action) ? stripHtml(step.action as string) : '';
      if (!action) return;
      const type = text(step.type) ? `${cleanLine(step.type as string)}: ` : '';
      parts.push(`${i + 1}. ${type}${action}`);
    });
  }
  const joined = parts.filter(Boolean).join('\n');
  return joined ? truncate(joined, MAX_REMEDIATION) : undefined;
}

/** The NHS page of an alert: `https://digital.nhs.uk/cyber-alerts/2026/cc-9003` (year in UK time). */
export const nhsAlertPageUrl = (threatId: string, published: Date): string =>
  `${NHS_PAGE_BASE}/${DateTime.fromJSDate(published, { zone: UK_ZONE }).year}/${encodeURIComponent(threatId.toLowerCase())}`;

/**
 * Maps one alert from the NHS cyber alerts API (a page item or a /single answer) to an incoming
 * HSA. Fails only when there is no usable `threatId`. Fields the answer leaves out stay undefined in
 * `incoming`, so applying a page item to an alert filled from /single does not erase its CVEs.
 */
export function mapNhsCyberAlert(
  json: unknown,
): { ok: true; value: NhsCyberAlert } | { ok: false; problem: string } {
  if (!isRecord(json)) return { ok: false, problem: 'The alert is not a JSON object.' };
  const threatId = typeof json.threatId === 'string' ? json.threatId.trim().toUpperCase() : '';
  if (!threatId) return { ok: false, problem: 'The alert has no threatId.' };
  if (threatId.length > MAX_DEDUP_KEY || CONTROL.test(threatId))
    return {
      ok: false,
      problem: `The threatId "${truncate(cleanLine(threatId), 40)}" is not a usable id.`,
    };

  const severityWord = typeof json.severity === 'string' ? json.severity.trim().toLowerCase() : '';
  const severity = SEVERITIES[severityWord];
  const published = publishedAt(json.publishedDate);
  const ncscLink =
    typeof json.ncscLink === 'string' && isHttpsUrl(json.ncscLink.trim())
      ? json.ncscLink.trim()
      : undefined;
  const summaryHtml = text(json.summary) ?? text(json.shortsummary);
  const title =
    cleanLine(text(json.title) ?? text(json.shortsummary) ?? '') || `NHS cyber alert ${threatId}`;

  const incoming: IncomingAlert = {
    source: 'hsa',
    dedupKey: threatId,
    title: truncate(title, MAX_TITLE),
    severity: severity ?? 'Information only',
    summary: summaryHtml === undefined ? undefined : truncate(stripHtml(summaryHtml), MAX_SUMMARY),
    url: published ? nhsAlertPageUrl(threatId, published) : ncscLink,
    cves: cveIds(json.cveIdentifiers),
    remediation: remediation(json.remediationIntro, json.remediationSteps),
    publishedAt: published?.toISOString(),
  };
  return {
    ok: true,
    value: {
      incoming,
      restricted: json.publicallyAccessible === false,
      severityGiven: severity !== undefined,
      threatType: text(json.threatType) && cleanLine(json.threatType as string),
    },
  };
}

/** Maps a `/page?page=N` answer; items without a usable threatId are skipped with the reason. */
export function mapNhsCyberAlertPage(json: unknown): NhsCyberAlertPage {
  const page = isRecord(json) ? json : {};
  const whole = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  const alerts: NhsCyberAlert[] = [];
  const skipped: string[] = [];
  const items = Array.isArray(page.items) ? page.items : [];
  items.forEach((item, i) => {
    const mapped = mapNhsCyberAlert(item);
    if (mapped.ok) alerts.push(mapped.value);
    else skipped.push(`Item ${i + 1}: ${mapped.problem}`);
  });
  if (!isRecord(json)) skipped.push('The page is not a JSON object.');
  else if (!Array.isArray(json.items) && json.items !== undefined && json.items !== null)
    skipped.push('The page has no list of items.');
  return {
    currentPage: whole(page.currentPage),
    totalPages: whole(page.totalPages),
    alerts,
    skipped,
  };
}
