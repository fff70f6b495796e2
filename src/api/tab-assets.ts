import express, { Router } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { join } from 'path';
import type { Member } from '../domain/people/member';
import type { DevIssuer } from './auth-dev-issuer';
import { localRequestsOnly } from './local-requests';

/**
 * The tab's bundled scripts (scripts/build-tab.ts writes them to dist-tab/tab) at /tab/, beside the pages in
 * src/tab/public that the app's own static route serves. The build writes brotli and gzip copies beside each
 * bundle: a browser that accepts one gets it as it is (brotli first, it is smaller), with Content-Encoding and
 * Vary: Accept-Encoding; any other gets the plain file. The copies are found when the router is made.
 */
export function tabAssetsRouter(buildDir: string): Router {
  const router = Router();
  router.use(
    '/tab',
    expressStaticGzip(join(buildDir, 'tab'), {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      index: false,
      serveStatic: { index: false, maxAge: 0 },
    }),
  );
  return router;
}

/**
 * With CTAC_DEV_HOST only (never in production, never with BOT_ID, loopback only): the development host page
 * (/dev/host.html), which plays the Teams client for the tab, /dev/token, which signs a token for whoever
 * the host page says is signed in, and /dev/people, everyone in CTAC with their role, for the host page's
 * person list. All answer only requests made on this computer to 127.0.0.1 or localhost, so neither another
 * machine, nor a tunnel, nor a web page using DNS rebinding can get a token or the list.
 */
export function devHostRouter(
  buildDir: string,
  issuer: DevIssuer,
  listPeople: () => Promise<Member[]>,
): Router {
  const router = Router();
  router.use('/dev', localRequestsOnly);
  router.use('/dev', (_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    next();
  });
  router.use('/dev', express.static(join(buildDir, 'dev'), { index: 'host.html', maxAge: 0 }));
  router.get('/dev/people', async (_req, res) => {
    const people = await listPeople();
    res.json({
      people: people
        .map((m) => ({
          oid: m.aadObjectId,
          name: m.name,
          upn: m.upn,
          role: m.role,
          orgCode: m.orgCode,
        }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
    });
  });
  router.post('/dev/token', express.json({ limit: '4kb' }), async (req, res) => {
    const body = (req.body ?? {}) as { oid?: unknown; name?: unknown };
    const oid = typeof body.oid === 'string' ? body.oid.trim().toLowerCase() : '';
    if (!/^[0-9a-f-]{36}$/.test(oid)) {
      res.status(400).json({
        error: { code: 'bad_request', message: 'Give the Entra object id of a CTAC member.' },
      });
      return;
    }
    const name = typeof body.name === 'string' ? body.name.slice(0, 120) : undefined;
    res.json({ token: await issuer.sign({ oid, ...(name && { name }) }) });
  });
  return router;
}
