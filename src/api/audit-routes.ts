import { Router } from 'express';
import type { AuditLog } from '../app/audit-log';
import type { Directory } from '../app/directory';
import { auditLogCsv, CSV_CONTENT_TYPE, registerCsvFileName } from '../app/register-csv';
import type { Clock } from '../domain/shared/clock';
import { authenticate, authenticatedMember, type TokenVerifier } from './auth-bearer';

export interface AuditRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  audit: Pick<AuditLog, 'all'>;
  clock: Clock;
}

/**
 * `GET /api/registers/audit.csv`: the whole admin audit log, newest first, admins only (401 without a valid
 * bearer token; 403 below admin, decided by the audit log itself). Same CSV rules as the registers.
 */
export function auditRouter(deps: AuditRoutesDeps): Router {
  const router = Router();
  router.get(
    '/api/registers/audit.csv',
    authenticate(deps.verifier, deps.directory),
    async (_req, res) => {
      const entries = await deps.audit.all(authenticatedMember(res));
      res
        .type(CSV_CONTENT_TYPE)
        .attachment(registerCsvFileName('audit-log', deps.clock.now()))
        .send(auditLogCsv(entries));
    },
  );
  return router;
}
