import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Directory } from '../app/directory';
import type { ExportOpening, Exports } from '../app/exports';
import { escapeHtml } from './ack-routes';
import { authenticate, authenticatedMember, type TokenVerifier } from './auth-bearer';

export interface ExportRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  exports: Pick<Exports, 'request' | 'open'>;
  logger: Pick<Logger, 'error'>;
}

/**
 * Exports through one-time links (issue 20). Browser blob downloads fail in the new Teams client and on
 * phones, so the tab asks for a link and opens it with teams-js `app.openLink`:
 *
 *   POST /api/tab/exports   {kind, format, from, to} with the tab's bearer token -> 201 {url, expiresAt}
 *   GET  /api/exports/<t>   the file, once, within five minutes; a used, expired or unknown link gets a
 *                           small page saying so (410 or 404)
 *
 * The GET carries no bearer token (the system browser has none): the unguessable token made under the
 * asker's own tab token is the credential, and it works once (docs/security.md).
 */
export function exportRoutes(deps: ExportRoutesDeps): Router {
  const router = Router();
  router.post(
    '/api/tab/exports',
    authenticate(deps.verifier, deps.directory),
    express.json({ limit: '4kb' }),
    async (req: Request, res: Response) => {
      // The person comes from the token's oid alone; nothing in the body names anyone.
      const link = await deps.exports.request(authenticatedMember(res), req.body);
      res.status(201).json(link);
    },
  );

  router.get('/api/exports/:token', async (req, res) => {
    const token = String(req.params['token'] ?? '');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    let opening: ExportOpening;
    try {
      opening = await deps.exports.open(token);
    } catch (err) {
      deps.logger.error({ err }, 'an export could not be made');
      return sendPage(res, 503, 'The export could not be made just now', [
        'Nothing was used up: open the link again in a minute, or ask for a new export in the CTAC tab.',
      ]);
    }
    switch (opening.kind) {
      case 'file':
        res
          .status(200)
          .type(opening.file.contentType)
          .attachment(opening.file.fileName)
          .send(opening.file.body);
        return;
      case 'used':
        return sendPage(res, 410, 'This export link has already been used', [
          'Each export link works once. Ask for the export again in the CTAC tab.',
        ]);
      case 'expired':
        return sendPage(res, 410, 'This export link has expired', [
          'Export links work for five minutes. Ask for the export again in the CTAC tab.',
        ]);
      case 'refused':
        return sendPage(res, 403, 'This export is not available to you', [opening.message]);
      case 'not_found':
        return sendPage(res, 404, 'This export link is not valid', [
          'Check that the whole link was opened, or ask for the export again in the CTAC tab.',
        ]);
    }
  });
  return router;
}

/** A small page that loads nothing (the app's default Content-Security-Policy allows nothing). */
function sendPage(res: Response, status: number, heading: string, paragraphs: string[]): void {
  const html = [
    '<!doctype html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(heading)} – CTAC</title>`,
    '</head>',
    '<body>',
    '<main>',
    '<p><strong>CTAC</strong></p>',
    `<h1>${escapeHtml(heading)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
  res.status(status).type('text/html; charset=utf-8').send(html);
}
