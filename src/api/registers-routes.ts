import { Router } from 'express';
import type { Directory } from '../app/directory';
import type { DecisionLog } from '../app/risks/decision-log';
import type { RiskRegister } from '../app/risks/risk-register';
import {
  CSV_CONTENT_TYPE,
  decisionLogCsv,
  registerCsvFileName,
  riskRegisterCsv,
  supplierRegisterCsv,
} from '../app/register-csv';
import type { Suppliers } from '../app/suppliers';
import type { Clock } from '../domain/shared/clock';
import { authenticate, authenticatedMember, requireRole, type TokenVerifier } from './auth-bearer';

export interface RegistersRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  register: RiskRegister;
  decisions: DecisionLog;
  /** The critical supplier register (issue 20); without it suppliers.csv is not served. */
  suppliers?: Pick<Suppliers, 'list'>;
  clock: Clock;
}

/**
 * CSV exports for the minutes, leads only: `GET /api/registers/risks.csv`, `/api/registers/decisions.csv` and
 * `/api/registers/suppliers.csv` (RFC 4180, UTF-8 with a BOM). 401 without a valid bearer token, 403 for anyone below lead.
 */
export function registersRouter(deps: RegistersRoutesDeps): Router {
  const router = Router();
  const orgNames = async () =>
    Object.fromEntries((await deps.directory.listOrganisations()).map((o) => [o.code, o.name]));
  router.use(
    '/api/registers',
    authenticate(deps.verifier, deps.directory),
    requireRole(deps.directory, 'lead', 'export the registers'),
  );
  router.get('/api/registers/risks.csv', async (_req, res) => {
    const risks = await deps.register.listAll(authenticatedMember(res));
    const csv = riskRegisterCsv(risks, { organisationNames: await orgNames() });
    res
      .type(CSV_CONTENT_TYPE)
      .attachment(registerCsvFileName('risk-register', deps.clock.now()))
      .send(csv);
  });
  router.get('/api/registers/decisions.csv', async (_req, res) => {
    const decisions = await deps.decisions.listAll(authenticatedMember(res));
    const csv = decisionLogCsv(decisions, { organisationNames: await orgNames() });
    res
      .type(CSV_CONTENT_TYPE)
      .attachment(registerCsvFileName('decision-log', deps.clock.now()))
      .send(csv);
  });
  const suppliers = deps.suppliers;
  if (suppliers)
    router.get('/api/registers/suppliers.csv', async (_req, res) => {
      const listed = await suppliers.list(authenticatedMember(res));
      const csv = supplierRegisterCsv(listed, { organisationNames: await orgNames() });
      res
        .type(CSV_CONTENT_TYPE)
        .attachment(registerCsvFileName('supplier-register', deps.clock.now()))
        .send(csv);
    });
  return router;
}
