import { MAX_DEDUP_KEY, type IncomingAlert } from './alert';

/*
 * An alert a member raises from the chat's form (`incident`, or `hsa CC-4719` when CTAC does not have the HSA
 * yet). The form carries a one-time id, so the same form sent twice is one alert, and an HSA form names the
 * HSA, so a second person raising it finds the alert already there.
 */

/** Longest one-time form id kept: the bot makes UUIDs. */
const MAX_FORM_ID = 64;

/** Where a chat form's alert comes from: its one-time form id, and the HSA it is about, if any. */
export type ChatAlertOrigin =
  { source: 'incident'; formId: string } | { source: 'hsa'; formId: string; hsaId: string };

/** What a member typed on the form, as text. */
export interface ChatAlertValues {
  title: string;
  severity: string;
  summary: string;
  url: string;
  cves: string;
}

/**
 * The form's hidden fields, `formId` and `source` (`incident` or `hsa:<id>`), as the card sent them back;
 * undefined when they are not a form CTAC made (an old or edited card).
 */
export function chatAlertOrigin(hidden: {
  formId: string;
  source: string;
}): ChatAlertOrigin | undefined {
  const formId = hidden.formId.replace(/[^A-Za-z0-9-]/g, '').slice(0, MAX_FORM_ID);
  const hsaId = hidden.source.startsWith('hsa:')
    ? hidden.source.slice(4).slice(0, MAX_DEDUP_KEY)
    : '';
  if (!formId) return undefined;
  if (hsaId) return { source: 'hsa', formId, hsaId };
  return hidden.source === 'incident' ? { source: 'incident', formId } : undefined;
}

/** The sender's key of an alert raised in the chat: the HSA's own id, or one per incident form. */
export const chatAlertDedupKey = (origin: ChatAlertOrigin): string =>
  origin.source === 'hsa' ? origin.hsaId : `chat-${origin.formId}`;

/** The alert the form describes, for ingest to validate like any other sender's. */
export function incomingAlertFromChat(
  origin: ChatAlertOrigin,
  values: ChatAlertValues,
): IncomingAlert {
  return {
    source: origin.source,
    dedupKey: chatAlertDedupKey(origin),
    title: values.title,
    severity: values.severity as IncomingAlert['severity'],
    summary: values.summary || undefined,
    url: values.url || undefined,
    cves: values.cves
      .split(/[\s,;]+/)
      .map((c) => c.trim())
      .filter(Boolean),
  };
}
