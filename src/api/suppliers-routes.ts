import { Router } from 'express';
import type { DsptStatuses } from '../app/dspt';
import type { Directory } from '../app/directory';
import type { Suppliers } from '../app/suppliers';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import { isSupplierId } from '../domain/suppliers';
import { authenticate, authenticatedMember, requireRole, type TokenVerifier } from './auth-bearer';
import { orgNames, supplierListView, supplierPageView } from './tab-views';

export interface SuppliersRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  suppliers: Pick<Suppliers, 'list' | 'page'>;
  dspt: Pick<DsptStatuses, 'list'>;
  clock: Clock;
}

/**
 * The tab's supplier register (issue 20), members: `GET /api/tab/suppliers` (every supplier, most critical
 * first, and each organisation's DSPT status) and `GET /api/tab/suppliers/{id}` (one supplier with the open
 * risks naming it and the open alerts mentioning it; 404 when there is none). 401 without a valid bearer
 * token, 403 for someone who is not a member.
 *
 * What each reads: the Suppliers 'register' partition, the DsptStatuses 'latest' partition and the
 * directory's organisations; a supplier's page its row, the Risks open index rows naming it (filtered on
 * their `supplierId`) and the AlertViews open rows.
 */
export function suppliersRouter(deps: SuppliersRoutesDeps): Router {
  const router = Router();
  const member = [
    authenticate(deps.verifier, deps.directory),
    requireRole(deps.directory, 'member', 'see the supplier register'),
  ];
  router.get('/api/tab/suppliers', ...member, async (_req, res) => {
    const caller = authenticatedMember(res);
    const [suppliers, statuses, orgs] = await Promise.all([
      deps.suppliers.list(caller),
      deps.dspt.list(caller),
      deps.directory.listOrganisations(),
    ]);
    const today = ukCalendarDate(deps.clock.now());
    res.json(supplierListView(suppliers, orgs, statuses, today, orgNames(orgs)));
  });
  router.get('/api/tab/suppliers/:id', ...member, async (req, res) => {
    const id = String(req.params['id'] ?? '');
    if (!isSupplierId(id))
      throw new CtacError('not_found', 'That supplier is not on the register.');
    const [page, orgs] = await Promise.all([
      deps.suppliers.page(authenticatedMember(res), id),
      deps.directory.listOrganisations(),
    ]);
    if (!page) throw new CtacError('not_found', 'That supplier is not on the register.');
    res.json(supplierPageView(page, ukCalendarDate(deps.clock.now()), orgNames(orgs)));
  });
  return router;
}
