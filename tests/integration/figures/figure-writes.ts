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
