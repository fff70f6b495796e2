import type { Member } from '../domain/people/member';
import {
  normaliseProcedure,
  procedureIdFrom,
  proceduresMarkdown,
  type Procedure,
  type ProcedureInput,
} from '../domain/procedures';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { Directory } from './directory';
import type { Conditional } from './ports';

/** CTAC's operating procedures, each version a row never changed (src/store/procedure-repository.ts). */
export interface ProcedureRepository {
  /** Inserts this version; `exists` when another save took its version number first. */
  addVersion(procedure: Procedure): Promise<Conditional<Procedure>>;
  get(id: string, version: number): Promise<Procedure | undefined>;
  latest(id: string): Promise<Procedure | undefined>;
  /** Newest first. */
  versions(id: string): Promise<Procedure[]>;
  /** Each procedure's latest version, by name. */
  listLatest(): Promise<Procedure[]>;
}

export interface ProceduresDeps {
  directory: Pick<Directory, 'require'>;
  repository: ProcedureRepository;
  clock: Clock;
}

/** How many times a save takes the next version number when others keep saving the same procedure. */
const SAVE_ATTEMPTS = 5;

/**
 * `procedure` and `procedures`: leads and admins keep the procedures (decided from the caller's Entra id
 * through the directory); every member reads them, for runbooks.
 */
export class Procedures {
  constructor(private readonly deps: ProceduresDeps) {}

  /**
   * Saves what a lead typed as the procedure's next version (version 1 for a new one). `procedureId` names
   * the procedure being edited; without it the id comes from the name, so typing the name of one that
   * exists edits it. Old versions stay. A `validation` CtacError lists every problem.
   */
  async save(
    actor: Member | undefined,
    input: ProcedureInput & { procedureId?: string },
  ): Promise<Procedure> {
    const lead = this.deps.directory.require(actor, 'lead', 'edit CTAC procedures');
    const clean = normaliseProcedure(input);
    const id = input.procedureId || procedureIdFrom(clean.name);
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const latest = await this.deps.repository.latest(id);
      const procedure: Procedure = {
        id,
        ...clean,
        version: (latest?.version ?? 0) + 1,
        savedBy: { id: lead.aadObjectId, name: lead.name },
        savedAt: this.deps.clock.now().toISOString(),
      };
      const saved = await this.deps.repository.addVersion(procedure);
      // Someone saved the same procedure at the same moment: ours is the next version after theirs.
      if (saved.ok) return saved.value;
    }
    throw new CtacError(
      'conflict',
      'Others kept saving this procedure at the same moment. Please look at it and save again.',
    );
  }

  /**
   * Leads and admins: the latest version of the procedure to edit (undefined for a new one, or no `id`).
   * Anyone else is refused before anything is read.
   */
  async forEditing(actor: Member | undefined, id: string): Promise<Procedure | undefined> {
    this.deps.directory.require(actor, 'lead', 'add or edit CTAC procedures');
    return id ? this.deps.repository.latest(id) : undefined;
  }

  /** Every procedure at its latest version, by name (any member). */
  async list(actor: Member | undefined): Promise<Procedure[]> {
    this.deps.directory.require(actor, 'member', 'see CTAC procedures');
    return this.deps.repository.listLatest();
  }

  /** The latest version of one procedure (any member). */
  async latest(actor: Member | undefined, id: string): Promise<Procedure | undefined> {
    this.deps.directory.require(actor, 'member', 'see CTAC procedures');
    return this.deps.repository.latest(id);
  }

  /** One version of a procedure, as a runbook shows it (any member). */
  async getVersion(
    actor: Member | undefined,
    id: string,
    version: number,
  ): Promise<Procedure | undefined> {
    this.deps.directory.require(actor, 'member', 'see CTAC procedures');
    return this.deps.repository.get(id, version);
  }

  /** Every version of one procedure, newest first (any member). */
  async versions(actor: Member | undefined, id: string): Promise<Procedure[]> {
    this.deps.directory.require(actor, 'member', 'see CTAC procedures');
    return this.deps.repository.versions(id);
  }

  /** The procedures as one Markdown document for the ICS cyber group (leads). */
  async exportMarkdown(actor: Member | undefined): Promise<string> {
    this.deps.directory.require(actor, 'lead', 'export CTAC procedures');
    return proceduresMarkdown(await this.deps.repository.listLatest(), this.deps.clock.now());
  }
}
