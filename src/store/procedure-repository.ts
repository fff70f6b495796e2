import type { Conditional } from '../app/ports';
import type { ProcedureRepository } from '../app/procedures';
import type { Procedure, ProcedureScope, ProcedureStep } from '../domain/procedures';
import { insertIfAbsent } from './conditional';
import { encodeKey } from './keys';
import { getOrUndefined, listPartition, type TableStore } from './tables';

/*
 * Key layout
 *   Procedures  PK procedure id (`ransomware`, `critical-hsa`: lower-case letters, digits, hyphens)
 *               RK 'v' + (999999 - version), zero padded: a procedure's versions newest first
 *               name, version, appliesTo (JSON), steps (JSON), savedById, savedByName, savedAt
 * Each version is its own row, inserted once and never replaced: two leads saving at the same moment both
 * insert, and the second finds its version number taken and takes the next. CTAC has tens of procedures,
 * so listing the latest of each reads the whole (small) table; a runbook reads one version by its keys.
 */
export const PROCEDURE_TABLE = 'Procedures';
const MAX_VERSION = 999_999;

interface ProcedureRow {
  procedureId: string;
  name: string;
  version: number;
  appliesTo: string;
  steps: string;
  savedById: string;
  savedByName: string;
  savedAt: string;
}

const versionKey = (version: number): string =>
  `v${String(MAX_VERSION - version).padStart(6, '0')}`;

export class TableProcedureRepository implements ProcedureRepository {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(PROCEDURE_TABLE);
  }

  async addVersion(procedure: Procedure): Promise<Conditional<Procedure>> {
    if (
      !Number.isInteger(procedure.version) ||
      procedure.version < 1 ||
      procedure.version > MAX_VERSION
    )
      throw new RangeError(`version ${procedure.version} is out of range`);
    const row: ProcedureRow = {
      procedureId: procedure.id,
      name: procedure.name,
      version: procedure.version,
      appliesTo: JSON.stringify(procedure.appliesTo),
      steps: JSON.stringify(procedure.steps),
      savedById: procedure.savedBy.id,
      savedByName: procedure.savedBy.name,
      savedAt: procedure.savedAt,
    };
    const saved = await insertIfAbsent(this.client, {
      partitionKey: encodeKey(procedure.id),
      rowKey: versionKey(procedure.version),
      ...row,
    });
    return saved.ok ? { ok: true, value: procedure } : saved;
  }

  async get(id: string, version: number): Promise<Procedure | undefined> {
    if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) return undefined;
    const row = await getOrUndefined<ProcedureRow>(this.client, encodeKey(id), versionKey(version));
    return row && toProcedure(row);
  }

  async latest(id: string): Promise<Procedure | undefined> {
    const filter = `PartitionKey eq '${encodeKey(id).replace(/'/g, "''")}'`;
    const pages = this.client
      .listEntities<ProcedureRow>({ queryOptions: { filter } })
      .byPage({ maxPageSize: 1 });
    for await (const page of pages) return page[0] && toProcedure(page[0]);
    return undefined;
  }

  async versions(id: string): Promise<Procedure[]> {
    return (await listPartition<ProcedureRow>(this.client, encodeKey(id))).map(toProcedure);
  }

  async listLatest(): Promise<Procedure[]> {
    const latest = new Map<string, ProcedureRow>();
    for await (const row of this.client.listEntities<ProcedureRow>()) {
      const seen = latest.get(row.procedureId);
      if (!seen || row.version > seen.version) latest.set(row.procedureId, row);
    }
    return [...latest.values()]
      .map(toProcedure)
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  }
}

function toProcedure(row: ProcedureRow): Procedure {
  return {
    id: row.procedureId,
    name: row.name,
    version: Number(row.version),
    appliesTo: JSON.parse(row.appliesTo) as ProcedureScope,
    steps: JSON.parse(row.steps) as ProcedureStep[],
    savedBy: { id: row.savedById, name: row.savedByName },
    savedAt: row.savedAt,
  };
}
