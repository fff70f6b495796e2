import { TableClient } from '@azure/data-tables';
import { FIGURES_WEEK } from '../../../src/store/alert-figures';

/** The writes made to the kept figure rows while `act` runs. */
export async function figureWrites(act: () => Promise<unknown>): Promise<number> {
  const creates = jest.spyOn(TableClient.prototype, 'createEntity');
  const updates = jest.spyOn(TableClient.prototype, 'updateEntity');
  await act();
  const writes = [...creates.mock.calls, ...updates.mock.calls].filter(
    ([entity]) => (entity as { partitionKey?: string }).partitionKey === FIGURES_WEEK,
  ).length;
  creates.mockRestore();
  updates.mockRestore();
  return writes;
}

/**
 * The reads of the kept figure rows while `act` runs: range queries, and point reads of their summaries
 * (a summary row read again on its own).
 */
export async function figureReads(
  act: () => Promise<unknown>,
): Promise<{ queries: number; rows: number }> {
  const lists = jest.spyOn(TableClient.prototype, 'listEntities');
  const gets = jest.spyOn(TableClient.prototype, 'getEntity');
  await act();
  const counted = {
    queries: lists.mock.calls.filter(([options]) =>
      String(options?.queryOptions?.filter ?? '').includes(`'${FIGURES_WEEK}'`),
    ).length,
    rows: gets.mock.calls.filter(([pk]) => pk === FIGURES_WEEK).length,
  };
  lists.mockRestore();
  gets.mockRestore();
  return counted;
}
