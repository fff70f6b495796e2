import { Retention } from '../app/retention';
import { RetentionJob } from '../jobs/retention-job';
import { TableRetentionStore } from '../store/retention-store';
import { TableJobClaims } from '../store/rota-job-claims';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';

/** Records retention: what is older than RETENTION_YEARS is deleted once a day, and recorded. */
export interface RetentionArea {
  retention: Retention;
  job: RetentionJob;
}

export function composeRetention(
  { store, clock, config, instanceId, logger }: AppContext,
  people: Pick<PeopleArea, 'audit'>,
): RetentionArea {
  const retention = new Retention({
    store: new TableRetentionStore(store),
    audit: people.audit,
    years: config.retention.years,
  });
  // Claimed in the rota's claims table, beside the other once-a-day jobs' claims.
  const job = new RetentionJob({
    retention,
    claims: new TableJobClaims(store),
    clock,
    instanceId,
    logger,
  });
  return { retention, job };
}
