import type { ExerciseReminderState, ExerciseRepository, StoredExercise } from '../app/exercises';
import type { Conditional } from '../app/ports';
import type { Exercise } from '../domain/exercises';
import { fromJsonChunkColumns, toChunkColumns, type ChunkLayout } from './chunked-columns';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { getOrUndefined, listPartition, type TableStore } from './tables';

/*
 * Key layout of the Exercises table
 *   PK 'exercise'    RK <exercise id>   the exercise as JSON in `body`; name, startedAt, endedAt for people
 *                                       reading the table
 *   PK '~reminder'   RK 'state'         the 11-month reminder: watchingSince, remindedFor
 * CTAC holds a few exercises a year, so the register and the job read the one partition. Each change is a
 * replace on the row's ETag.
 */
export const EXERCISE_TABLE = 'Exercises';
const PARTITION = 'exercise';
const REMINDER = { partitionKey: '~reminder', rowKey: 'state' } as const;
const BODY: ChunkLayout = { name: 'body' };

const entity = (exercise: Exercise) => ({
  partitionKey: PARTITION,
  rowKey: exercise.id,
  name: exercise.name,
  startedAt: exercise.startedAt,
  endedAt: exercise.endedAt ?? '',
  ...toChunkColumns(JSON.stringify(exercise), BODY),
});

const toExercise = (row: Record<string, unknown>): Exercise =>
  fromJsonChunkColumns<Exercise>(row, BODY);

export class TableExerciseRepository implements ExerciseRepository {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(EXERCISE_TABLE);
  }

  async create(exercise: Exercise): Promise<Conditional<StoredExercise>> {
    const saved = await insertIfAbsent(this.client, entity(exercise));
    return saved.ok ? { ok: true, value: { exercise, etag: saved.value } } : saved;
  }

  async get(id: string): Promise<StoredExercise | undefined> {
    const row = await getOrUndefined<Record<string, unknown>>(this.client, PARTITION, id);
    return row && { exercise: toExercise(row), etag: row.etag ?? '' };
  }

  async update(exercise: Exercise, etag: string): Promise<Conditional<StoredExercise>> {
    const saved = await replaceIfUnchanged(this.client, entity(exercise), etag);
    return saved.ok ? { ok: true, value: { exercise, etag: saved.value } } : saved;
  }

  async list(): Promise<Exercise[]> {
    const rows = await listPartition<Record<string, unknown>>(this.client, PARTITION);
    return rows
      .map(toExercise)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  }

  async reminderState(): Promise<ExerciseReminderState> {
    const row = await getOrUndefined<{ watchingSince?: string; remindedFor?: string }>(
      this.client,
      REMINDER.partitionKey,
      REMINDER.rowKey,
    );
    return row
      ? {
          watchingSince: row.watchingSince || undefined,
          remindedFor: row.remindedFor || undefined,
          etag: row.etag,
        }
      : {};
  }

  async saveReminderState(
    state: Omit<ExerciseReminderState, 'etag'>,
    etag: string | undefined,
  ): Promise<Conditional<void>> {
    const row = {
      ...REMINDER,
      watchingSince: state.watchingSince ?? '',
      remindedFor: state.remindedFor ?? '',
    };
    const saved =
      etag === undefined
        ? await insertIfAbsent(this.client, row)
        : await replaceIfUnchanged(this.client, row, etag);
    return saved.ok ? { ok: true, value: undefined } : saved;
  }
}
