import { z } from 'zod';
import { isHttpsUrl, MAX_DEDUP_KEY, type IncomingAlert } from './alert';
import { cleanLine, cleanParagraphs } from '../shared/clean-text';
import { MAX_SUMMARY, MAX_TITLE } from './alert-text';
import { severityFromWebhook, type AlertSource, type SeverityRank } from './severity';

/** The body of POST /api/alerts once checked (see README and DESIGN.md for the contract). */
export interface WebhookAlertBody {
  source: AlertSource;
  /** The sender's dedup key, e.g. CC-4719. */
  id: string;
  title: string;
  severity: SeverityRank;
  summary?: string;
  url?: string;
  /** Upper case. */
  cves?: string[];
  /** Upper case. */
  organisations?: string[];
  /** ISO 8601 instant, normalised to UTC. */
  publishedAt?: string;
}

export const MAX_URL = 2048;
export const MAX_CVES = 100;
export const MAX_ORGANISATIONS = 50;

const CVE = /^CVE-\d{4}-\d{4,}$/i;
const ORG_CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/i;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Half of a UTF-16 surrogate pair: cannot be stored as a key (it has no UTF-8 form). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Messages for a missing value and for a value of the wrong kind. */
const says =
  (wrong: string, missing = 'is required.'): z.ZodErrorMap =>
  (issue) => ({
    message: issue.code === 'invalid_type' && issue.received === 'undefined' ? missing : wrong,
  });

const count = (n: number): string => n.toLocaleString('en-GB');

/** An optional field: absent and null both mean "not given". */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

const schema = z.object(
  {
    source: z.enum(['incident', 'hsa'], { errorMap: says('must be "incident" or "hsa".') }),
    id: z
      .string({ errorMap: says('must be text, the sender’s id for the alert.') })
      .trim()
      .min(1, 'must not be blank.')
      .max(MAX_DEDUP_KEY, `must be at most ${count(MAX_DEDUP_KEY)} characters.`)
      .refine(
        (id) => !CONTROL.test(id),
        'must not contain control characters (such as line breaks or tabs).',
      )
      .refine(
        (id) => !LONE_SURROGATE.test(id),
        'must be well-formed text (it contains half of a character).',
      ),
    title: z
      .string({ errorMap: says('must be text.') })
      .max(MAX_TITLE, `must be at most ${count(MAX_TITLE)} characters.`)
      .transform(cleanLine)
      .refine((title) => title.length > 0, 'must not be blank.'),
    severity: z.enum(['critical', 'high', 'medium', 'low', 'information'], {
      errorMap: says('must be one of "critical", "high", "medium", "low" or "information".'),
    }),
    summary: optional(
      z
        .string({ errorMap: says('must be text.') })
        .max(MAX_SUMMARY, `must be at most ${count(MAX_SUMMARY)} characters.`)
        .transform(cleanParagraphs),
    ),
    url: optional(
      z
        .string({ errorMap: says('must be text, an https:// link.') })
        .trim()
        .max(MAX_URL, `must be at most ${count(MAX_URL)} characters.`)
        .refine(
          isHttpsUrl,
          'must be a full https:// link, such as https://digital.nhs.uk/cyber-alerts.',
        ),
    ),
    cves: optional(
      z
        .array(
          z
            .string({ errorMap: says('must be text, a CVE id like CVE-2026-1234.') })
            .trim()
            .regex(CVE, 'is not a CVE id like CVE-2026-1234.')
            .transform((cve) => cve.toUpperCase()),
          { errorMap: says('must be a list of CVE ids, such as ["CVE-2026-1234"].') },
        )
        .max(MAX_CVES, `must list at most ${count(MAX_CVES)} CVE ids.`)
        .transform((cves) => [...new Set(cves)]),
    ),
    organisations: optional(
      z
        .array(
          z
            .string({ errorMap: says('must be text, an organisation short code like RXH.') })
            .trim()
            .regex(
              ORG_CODE,
              'is not an organisation short code (2 to 12 letters, digits or hyphens, like RXH).',
            )
            .transform((code) => code.toUpperCase()),
          { errorMap: says('must be a list of organisation short codes, such as ["RXH"].') },
        )
        .max(MAX_ORGANISATIONS, `must list at most ${count(MAX_ORGANISATIONS)} organisations.`)
        .transform((codes) => [...new Set(codes)]),
    ),
    publishedAt: optional(
      z
        .string({ errorMap: says('must be text, an ISO 8601 date and time.') })
        .trim()
        .datetime({
          offset: true,
          message:
            'must be an ISO 8601 date and time with a time zone, such as 2026-11-28T09:00:00Z.',
        })
        .transform((iso) => new Date(iso).toISOString()),
    ),
  },
  { errorMap: says('The body must be a JSON object.', 'The body must be a JSON object.') },
);
// Unknown fields are allowed and dropped: z.object strips them, so senders may add fields.

/** "cves[2]" from ['cves', 2]. */
const fieldName = (path: (string | number)[]): string =>
  path.reduce<string>(
    (name, part) =>
      typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part,
    '',
  );

/**
 * Checks a parsed JSON body of POST /api/alerts. On failure lists every problem in plain English,
 * each starting with the field it is about, e.g. `severity: must be one of "critical", ...`.
 */
export function parseWebhookBody(
  json: unknown,
): { ok: true; value: WebhookAlertBody } | { ok: false; problems: string[] } {
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = fieldName(issue.path);
    return name ? `${name}: ${issue.message}` : issue.message;
  });
  return { ok: false, problems: [...new Set(problems)] };
}

/** The alert the webhook describes, with its severity mapped onto the source's own scale. */
export function webhookBodyToIncoming(body: WebhookAlertBody): IncomingAlert {
  return {
    source: body.source,
    dedupKey: body.id,
    title: body.title,
    severity: severityFromWebhook(body.source, body.severity),
    summary: body.summary,
    url: body.url,
    cves: body.cves,
    organisations: body.organisations,
    publishedAt: body.publishedAt,
  };
}
