import { Router } from 'express';
import type { Logger } from 'pino';

export interface CalendarFeedSource {
  feed(secret: string): Promise<string | undefined>;
}

/**
 * `GET /api/calendar/<secret>.ics`: a rota calendar feed. The secret in the link is the only
 * credential (Outlook subscriptions cannot sign in); an unknown or malformed secret is a 404 that
 * says nothing about why.
 */
export function calendarRoutes(feeds: CalendarFeedSource, logger: Logger): Router {
  const router = Router();
  router.get('/api/calendar/:file', async (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    const match = /^(.+)\.ics$/.exec(String(req.params['file'] ?? ''));
    try {
      const body = match ? await feeds.feed(match[1]!) : undefined;
      if (body === undefined) {
        res
          .status(404)
          .json({ error: { code: 'not_found', message: 'There is nothing at this address.' } });
        return;
      }
      res.setHeader('Cache-Control', 'private, max-age=300');
      res.type('text/calendar; charset=utf-8').send(body);
    } catch (e) {
      logger.error({ err: e }, 'calendar feed failed');
      res.status(503).json({
        error: { code: 'unavailable', message: 'The calendar is not available just now.' },
      });
    }
  });
  return router;
}
