import { Router } from 'express';
import type { Directory } from '../app/directory';
import type { Procedures } from '../app/procedures';
import type { Clock } from '../domain/shared/clock';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import { authenticate, authenticatedMember, requireRole, type TokenVerifier } from './auth-bearer';

export interface ProceduresRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  procedures: Pick<Procedures, 'exportMarkdown'>;
  clock: Clock;
}

/**
 * `GET /api/registers/procedures.md`, leads only: every CTAC procedure at its latest version as one Markdown
 * document (UTF-8) for the ICS cyber group. 401 without a valid bearer token, 403 below lead.
 */
export function proceduresRouter(deps: ProceduresRoutesDeps): Router {
  const router = Router();
  router.get(
    '/api/registers/procedures.md',
    authenticate(deps.verifier, deps.directory),
    requireRole(deps.directory, 'lead', 'export the procedures'),
    async (_req, res) => {
      const document = await deps.procedures.exportMarkdown(authenticatedMember(res));
      res
        .type('text/markdown; charset=utf-8')
        .attachment(`ctac-procedures-${ukCalendarDate(deps.clock.now())}.md`)
        .send(document);
    },
  );
  return router;
}
