import { Figures } from '../app/figures';
import type { Clock } from '../domain/shared/clock';
import { TableHsaResponseRepository } from '../store/alert-hsa-response-repository';
import { TableDecisionRepository } from '../store/decision-repository';
import { TableExerciseRepository } from '../store/exercise-repository';
import { TableOrganisationRepository } from '../store/directory-repositories';
import { TableRiskRepository } from '../store/risk-repository';
import { TableDsptRepository, TableSupplierRepository } from '../store/supplier-repository';
import type { TableStore } from '../store/tables';
import type { AlertsArea } from './alerts';
import type { PeopleArea } from './directory';

/**
 * The quarter figures and board pack (issue 20): read-only, over the tables the alert, HSA, risk and
 * decision areas write. The kept alert week rows come from the alert repository itself, so a read waits
 * for the rows this process is still writing.
 */
export function composeFigures(
  { store, clock }: { store: TableStore; clock: Clock },
  { directory }: Pick<PeopleArea, 'directory'>,
  alerts: Pick<AlertsArea, 'repository'>,
): Figures {
  return new Figures({
    directory,
    organisations: new TableOrganisationRepository(store),
    alertFigures: alerts.repository.figures,
    alerts: alerts.repository,
    hsaResponses: new TableHsaResponseRepository(store),
    risks: new TableRiskRepository(store),
    decisions: new TableDecisionRepository(store),
    exercises: new TableExerciseRepository(store),
    suppliers: new TableSupplierRepository(store),
    dspt: new TableDsptRepository(store),
    clock,
  });
}
