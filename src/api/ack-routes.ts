import { createHash, createHmac, randomBytes, timingSafeEqual } from 'crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { AckLinks, AckPress } from '../app/alerts/ack-links';
import type { AckPage } from '../domain/alerts/ack-link';
import { formatUkDateTime } from '../domain/shared/time';

/*
 * `GET|POST /ack/<token>`: the small page a text or email links to (issue 16). The token is the only
 * credential (no sign-in on a phone), so these routes sit outside the tab's bearer auth. The page is drawn
 * on the server, works without JavaScript and loads nothing: one inline stylesheet allowed by its hash.
 *
 * The press is protected against cross-site requests twice over: the browser must say it is same-origin
 * (Sec-Fetch-Site, or else an Origin of this app), and the form must carry a value bound to the token and to
 * a random cookie set when the page was drawn (SameSite=Strict, only sent back to this link's path).
 */

export interface AckRoutesDeps {
  links: Pick<AckLinks, 'page' | 'acknowledge'>;
  logger: Pick<Logger, 'error' | 'warn'>;
  /** CTAC_PUBLIC_URL: its origin is this app's, whatever Host a proxy passes on. */
  publicUrl?: string;
}

const CSS = [
  ':root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  'body{margin:0;padding:1rem;line-height:1.5;font-size:1.0625rem}',
  'main{max-width:28rem;margin:0 auto}',
  '.brand{font-weight:700;letter-spacing:.05em;margin:0 0 1rem}',
  'h1{font-size:1.375rem;line-height:1.3;margin:0 0 .75rem;overflow-wrap:anywhere}',
  '.severity{display:inline-block;border:2px solid currentColor;border-radius:.25rem;padding:0 .5rem;font-weight:700;text-transform:capitalize}',
  '.sev-critical,.sev-high{color:#b3261e}',
  '.sev-medium{color:#8a5300}',
  'button{display:block;width:100%;margin:1.5rem 0 0;padding:.9rem 1rem;font:inherit;font-weight:700;border:0;border-radius:.375rem;background:#005eb8;color:#fff;cursor:pointer}',
  'button:focus{outline:3px solid #ffb81c;outline-offset:2px}',
  '.note{color:GrayText}',
].join('');
/** The stylesheet's hash for the page's Content-Security-Policy: nothing else may be loaded or run. */
const CSS_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;
const CSP = [
  "default-src 'none'",
  `style-src '${CSS_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The cookie a drawn page sets, sent back only to this link's path and never cross-site. */
const COOKIE = 'ctac_ack';
const COOKIE_MAX_AGE_S = 60 * 60;

/** `&`, `<`, `>`, quotes: nothing an alert sender wrote can become markup. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The form's value: bound to this link's token and to the random cookie of the page that drew it. */
export const ackFormValue = (cookie: string, token: string): string =>
  createHmac('sha256', cookie).update(`ack:${token}`, 'utf8').digest('base64url');

export function ackRoutes(deps: AckRoutesDeps): Router {
  const router = Router();
  const ownOrigin = deps.publicUrl ? new URL(deps.publicUrl).origin : undefined;

  router.get('/ack/:token', async (req, res) => {
    const token = String(req.params['token'] ?? '');
    pageHeaders(res);
    try {
      const page = await deps.links.page(token);
      if (page.kind !== 'valid') return sendPage(res, pageFor(page));
      const cookie = randomBytes(32).toString('base64url');
      res.setHeader(
        'Set-Cookie',
        [
          `${COOKIE}=${cookie}`,
          `Path=/ack/${token}`,
          `Max-Age=${COOKIE_MAX_AGE_S}`,
          'HttpOnly',
          'SameSite=Strict',
          ...(req.secure ? ['Secure'] : []),
        ].join('; '),
      );
      sendPage(res, {
        status: 200,
        heading: page.alert.title,
        body: [
          `<p><span class="severity sev-${escapeHtml(page.alert.severity.toLowerCase().replace(/[^a-z]/g, '-'))}">${escapeHtml(page.alert.severity)}</span></p>`,
          `<form method="post" action="/ack/${escapeHtml(token)}">`,
          `<input type="hidden" name="check" value="${escapeHtml(ackFormValue(cookie, token))}">`,
          '<button type="submit">Acknowledge</button>',
          '</form>',
          '<p class="note">Acknowledging tells everyone in the ICS cyber channel that you have it, and stops the escalation.</p>',
        ],
      });
    } catch (e) {
      unavailable(res, deps.logger, e);
    }
  });

  router.post(
    '/ack/:token',
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }),
    async (req, res) => {
      const token = String(req.params['token'] ?? '');
      pageHeaders(res);
      if (!sameOrigin(req, ownOrigin) || !formMatches(req, token)) {
        sendPage(res, {
          status: 403,
          heading: 'This request was not made from the acknowledge page',
          body: [
            '<p>Nothing was changed. Open the link in your text or email again, and press Acknowledge there.</p>',
          ],
        });
        return;
      }
      try {
        const press = await deps.links.acknowledge(token);
        // The page's cookie has done its job (and the token, having worked, is safe in a header).
        if (press.kind === 'acknowledged')
          res.setHeader(
            'Set-Cookie',
            `${COOKIE}=; Path=/ack/${token}; Max-Age=0; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`,
          );
        sendPage(res, pressPage(press));
      } catch (e) {
        unavailable(res, deps.logger, e);
      }
    },
  );
  return router;
}

interface PageContent {
  status: number;
  heading: string;
  /** Markup: every piece of text in it already escaped. */
  body: string[];
}

function pageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Robots-Tag', 'noindex');
}

function sendPage(res: Response, content: PageContent): void {
  const html = [
    '<!doctype html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(content.heading)} – CTAC</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<p class="brand">CTAC</p>',
    `<h1>${escapeHtml(content.heading)}</h1>`,
    ...content.body,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
  res.status(content.status).type('text/html; charset=utf-8').send(html);
}

/** The page for a link that has nothing to press (any page but `valid`). */
function pageFor(page: Exclude<AckPage, { kind: 'valid' }>): PageContent {
  switch (page.kind) {
    case 'acknowledged': {
      const who = page.by ? ` by ${escapeHtml(page.by.name)}` : '';
      const when = page.at ? ` at ${escapeHtml(formatUkDateTime(page.at))}` : '';
      return {
        status: 200,
        heading: page.alert.title,
        body: [
          `<p>This alert has already been acknowledged${who}${when}.</p>`,
          '<p class="note">There is nothing more to do here.</p>',
        ],
      };
    }
    case 'used':
      return {
        status: 410,
        heading: 'This link has already been used',
        body: ['<p>The alert was acknowledged with it. Nothing was changed.</p>'],
      };
    case 'expired':
      return {
        status: 410,
        heading: 'This link has expired',
        body: [
          '<p>Links last 24 hours, and end when the alert is closed. Nothing was changed.</p>',
          '<p class="note">Look at the alert’s card in Teams.</p>',
        ],
      };
    case 'not_found':
      return {
        status: 404,
        heading: 'This link is not valid',
        body: [
          '<p>Check that the whole link from your text or email was opened. Nothing was changed.</p>',
        ],
      };
  }
}

function pressPage(press: AckPress): PageContent {
  if (press.kind === 'page') return pageFor(press.page);
  if (press.kind === 'refused')
    return {
      status: 409,
      heading: 'Not acknowledged',
      body: [`<p>${escapeHtml(press.message)}</p>`],
    };
  return {
    status: 200,
    heading: `Acknowledged. Thank you, ${press.name}.`,
    body: [
      `<p>${escapeHtml(press.alertTitle)}</p>`,
      '<p class="note">The alert’s card in the ICS cyber channel now shows that you have it.</p>',
    ],
  };
}

/**
 * Whether the browser says the press came from this app's own page: Sec-Fetch-Site (every current
 * browser), else the Origin header. The page's Referrer-Policy makes a browser send `Origin: null` on the
 * form's POST, so a browser sending neither header nor Sec-Fetch-Site is refused.
 */
function sameOrigin(req: Request, publicOrigin: string | undefined): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  const own = `${req.protocol}://${req.get('host') ?? ''}`;
  return origin === own || origin === publicOrigin;
}

/** Whether the form's value is the one the page drew for this token and its cookie. */
function formMatches(req: Request, token: string): boolean {
  const cookie = cookieValue(req.get('cookie'), COOKIE);
  const given = (req.body as Record<string, unknown> | undefined)?.['check'];
  if (!cookie || typeof given !== 'string') return false;
  const expected = Buffer.from(ackFormValue(cookie, token));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

function unavailable(res: Response, logger: Pick<Logger, 'error'>, e: unknown): void {
  logger.error({ err: e }, 'the acknowledge page failed');
  sendPage(res, {
    status: 503,
    heading: 'CTAC cannot answer just now',
    body: [
      '<p>Nothing was changed. Please try again in a minute, or acknowledge on the alert’s card in Teams.</p>',
    ],
  });
}
