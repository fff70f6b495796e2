import {
  logDecision,
  markSuperseded,
  supersede,
  type Decision,
  type DecisionInput,
  type DecisionLogEntry,
} from '../../domain/decisions';
import type { Member } from '../../domain/people/member';
import type { EventSource } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Directory } from '../directory';
import { actorOf } from './actor';
import { ATTEMPTS, shortRef } from './ids';
import type { DecisionRepository } from './ports';

/** The most decisions the chat lists at once. */
export const RECENT_DECISIONS = 10;

/** The decision log: members log decisions and correct them by superseding; nothing is edited in place. */
export class DecisionLog {
  constructor(
    private readonly decisions: DecisionRepository,
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** A member logs a decision (from the `decision` form or the message action). */
  async log(
    caller: Member | undefined,
    input: DecisionInput,
    source: EventSource,
  ): Promise<Decision> {
    const member = this.directory.require(caller, 'member', 'log decisions');
    return this.createWithFreshId((id) =>
      logDecision(input, { id, actor: actorOf(member, source), at: this.clock.now() }),
    );
  }

  /** A member corrects a decision: a new decision supersedes it, and both stay in the log. */
  async supersede(
    caller: Member | undefined,
    oldId: string,
    correction: DecisionInput,
    source: EventSource,
  ): Promise<Decision> {
    const member = this.directory.require(caller, 'member', 'correct decisions');
    const old = await this.decisions.get(oldId);
    if (!old)
      throw new CtacError('not_found', `There is no decision ${oldId.slice(0, 40)} in the log.`);
    return this.createWithFreshId((id) =>
      supersede(old, { ...correction, id }, actorOf(member, source), this.clock.now()),
    );
  }

  async get(caller: Member | undefined, id: string): Promise<Decision | undefined> {
    this.directory.require(caller, 'member', 'see the decision log');
    return this.decisions.get(id);
  }

  /** The most recent decisions, newest first, each marked with the decision that supersedes it, if any. */
  async listRecent(
    caller: Member | undefined,
    limit = RECENT_DECISIONS,
  ): Promise<DecisionLogEntry[]> {
    this.directory.require(caller, 'member', 'see the decision log');
    return markSuperseded(await this.decisions.listRecent(limit));
  }

  /** The whole log, superseded decisions too, for the export (leads). */
  async listAll(caller: Member | undefined): Promise<Decision[]> {
    this.directory.require(caller, 'lead', 'export the decision log');
    return this.decisions.listAll();
  }

  /** Writes a decision made elsewhere (an escalation decided on a risk); a second write of the same id is a no-op. */
  async record(decision: Decision): Promise<void> {
    await this.decisions.create(decision);
  }

  private async createWithFreshId(make: (id: string) => Decision): Promise<Decision> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const decision = make(shortRef('D', this.ids));
      const res = await this.decisions.create(decision);
      if (res.ok) return res.value;
    }
    throw new CtacError(
      'unavailable',
      'Could not find a free decision reference; please try again.',
    );
  }
}
