import type { Conditional } from '../app/ports';
import type { ReviewRepository, StoredReview } from '../app/reviews';
import { reviewKey, type Review } from '../domain/reviews';
import { fromJsonChunkColumns, toJsonChunkColumns, type ChunkLayout } from './chunked-columns';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { getOrUndefined, listPartition, type TableStore } from './tables';

/*
 * Key layout of the Reviews table
 *   PK 'review'   RK encodeKey('<alert|exercise>-<id>')   the review as JSON in `body`; subject, savedAt and
 *                                                         the count of open actions for people reading it
 * One review per alert or exercise, replaced on its ETag. A few tens a year, so the lessons search and the
 * action reminder job read the one partition.
 */
export const REVIEW_TABLE = 'Reviews';
const PARTITION = 'review';
const BODY: ChunkLayout = { name: 'body' };

const entity = (review: Review) => ({
  partitionKey: PARTITION,
  rowKey: encodeKey(reviewKey(review.subject)),
  subjectKind: review.subject.kind,
  subjectId: review.subject.id,
  savedAt: review.savedAt,
  openActions: review.actions.filter((a) => !a.doneAt).length,
  ...toJsonChunkColumns(review, BODY),
});

export class TableReviewRepository implements ReviewRepository {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(REVIEW_TABLE);
  }

  async get(key: string): Promise<StoredReview | undefined> {
    const row = await getOrUndefined<Record<string, unknown>>(
      this.client,
      PARTITION,
      encodeKey(key),
    );
    return row && { review: fromJsonChunkColumns<Review>(row, BODY), etag: row.etag ?? '' };
  }

  async save(review: Review, etag: string | undefined): Promise<Conditional<StoredReview>> {
    const saved =
      etag === undefined
        ? await insertIfAbsent(this.client, entity(review))
        : await replaceIfUnchanged(this.client, entity(review), etag);
    return saved.ok ? { ok: true, value: { review, etag: saved.value } } : saved;
  }

  async list(): Promise<Review[]> {
    return (await listPartition<Record<string, unknown>>(this.client, PARTITION)).map((row) =>
      fromJsonChunkColumns<Review>(row, BODY),
    );
  }
}
