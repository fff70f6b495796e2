import type { Alert } from '../domain/alerts';
import type { Exercise } from '../domain/exercises';
import { hasRole, type Member } from '../domain/people/member';
import {
  actionsToRemind,
  completeAction,
  lessonsOf,
  markReminded,
  needsReview,
  normaliseReview,
  reviewKey,
  reviewMatches,
  type LessonHit,
  type Review,
  type ReviewAction,
  type ReviewInput,
  type ReviewSubject,
} from '../domain/reviews';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { Directory } from './directory';

export type { LessonHit } from '../domain/reviews';
import type { Conditional, MemberRepository } from './ports';

export interface StoredReview {
  review: Review;
  etag: string;
}

/** Reviews in Table Storage (src/store/review-repository.ts): one per alert or exercise. */
export interface ReviewRepository {
  get(key: string): Promise<StoredReview | undefined>;
  /** Creates (no etag) or replaces on the ETag; a lost race is a conflict, an existing row `exists`. */
  save(review: Review, etag: string | undefined): Promise<Conditional<StoredReview>>;
  /** Every review (tens a year). */
  list(): Promise<Review[]>;
}

export interface ReviewsDeps {
  directory: Pick<Directory, 'require'>;
  members: Pick<MemberRepository, 'list'>;
  repository: ReviewRepository;
  clock: Clock;
  /** The alert or exercise a review form names, read again: card data is never trusted for it. */
  findAlert(id: string): Promise<Alert | undefined>;
  findExercise(id: string): Promise<Exercise | undefined>;
  /** The 1:1 reminder to an action's owner (a card with a Done button), through the outbox. */
  remindOwner(review: Review, action: ReviewAction): Promise<void>;
  /** After a review of an alert is saved: the alert links to it (a note on its timeline). */
  linkFromAlert?(caller: Member, alertId: string, lessons: number): Promise<void>;
  logger?: { error(obj: object, msg: string): void };
}

const WRITE_ATTEMPTS = 5;
const MAX_HITS = 50;

/**
 * Post-incident and post-exercise reviews (issue 21): members save them from the review card (decided from
 * the caller's Entra id), actions are reminded once to their owners on their due day and marked done from
 * the reminder, and lessons are searchable.
 */
export class Reviews {
  constructor(private readonly deps: ReviewsDeps) {}

  /** The subject of a review, read from the store: an alert that needs one, or an ended exercise. */
  async subject(kind: string, id: string): Promise<ReviewSubject> {
    if (kind === 'alert') {
      const alert = id ? await this.deps.findAlert(id) : undefined;
      if (alert && alert.state === 'resolved' && needsReview(alert))
        return { kind, id: alert.id, title: alert.title };
    } else if (kind === 'exercise') {
      const exercise = id ? await this.deps.findExercise(id) : undefined;
      if (exercise?.endedAt) return { kind, id: exercise.id, title: exercise.name };
    }
    throw new CtacError('not_found', 'There is nothing to review with that id.');
  }

  /** The review of a subject as it stands (undefined: none yet), for a member to edit. */
  async forSubject(
    caller: Member | undefined,
    kind: string,
    id: string,
  ): Promise<{ subject: ReviewSubject; review?: Review }> {
    this.deps.directory.require(caller, 'member', 'see reviews');
    const subject = await this.subject(kind, id);
    return { subject, review: (await this.deps.repository.get(reviewKey(subject)))?.review };
  }

  /** Saves the review form (members). A `validation` CtacError lists every problem. */
  async save(
    caller: Member | undefined,
    kind: string,
    id: string,
    input: ReviewInput,
  ): Promise<Review> {
    const member = this.deps.directory.require(caller, 'member', 'save reviews');
    const subject = await this.subject(kind, id);
    const members = await this.deps.members.list();
    const findMember = (typed: string) => {
      const t = typed.trim().toLowerCase();
      const found =
        members.find((m) => m.aadObjectId.toLowerCase() === t) ??
        members.find((m) => m.name.toLowerCase() === t) ??
        members.find((m) => m.upn.toLowerCase() === t);
      return t && found ? { id: found.aadObjectId.toLowerCase(), name: found.name } : undefined;
    };
    let saved: Review | undefined;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS && !saved; attempt++) {
      const now = this.deps.clock.now();
      const previous = await this.deps.repository.get(reviewKey(subject));
      const clean = normaliseReview(input, {
        findMember,
        today: ukCalendarDate(now),
        previous: previous?.review,
      });
      const review: Review = {
        subject,
        ...clean,
        savedBy: { id: member.aadObjectId.toLowerCase(), name: member.name },
        savedAt: now.toISOString(),
      };
      const result = await this.deps.repository.save(review, previous?.etag);
      if (result.ok) saved = result.value.review;
    }
    if (!saved)
      throw new CtacError(
        'conflict',
        'Someone else saved this review at the same moment. Please try again.',
      );
    if (subject.kind === 'alert' && this.deps.linkFromAlert)
      await this.deps
        .linkFromAlert(member, subject.id, lessonsOf(saved).length)
        .catch((err) =>
          this.deps.logger?.error({ err }, 'reviews: linking the review from its alert failed'),
        );
    return saved;
  }

  /** Marks an action done (its owner or a lead); a forged review or action id changes nothing. */
  async completeAction(
    caller: Member | undefined,
    kind: string,
    id: string,
    actionId: number,
  ): Promise<{ review: Review; action: ReviewAction; changed: boolean }> {
    const member = this.deps.directory.require(caller, 'member', 'mark review actions done');
    const key = reviewKey({ kind: kind === 'exercise' ? 'exercise' : 'alert', id });
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const stored =
        (kind === 'alert' || kind === 'exercise') && id
          ? await this.deps.repository.get(key)
          : undefined;
      if (!stored) throw new CtacError('not_found', 'There is no such review.');
      const done = completeAction(
        stored.review,
        actionId,
        { id: member.aadObjectId.toLowerCase(), name: member.name },
        hasRole(member, 'lead'),
        this.deps.clock.now(),
      );
      if (!done.changed) return done;
      const saved = await this.deps.repository.save(done.review, stored.etag);
      if (saved.ok) return { ...done, review: saved.value.review };
    }
    throw new CtacError('conflict', 'The review kept changing. Please try again.');
  }

  /** Lessons whose review contains the words (any member), newest first. */
  async search(caller: Member | undefined, query: string): Promise<LessonHit[]> {
    this.deps.directory.require(caller, 'member', 'search lessons');
    const q = (query ?? '').slice(0, 200);
    return (await this.deps.repository.list())
      .filter((r) => reviewMatches(r, q))
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt))
      .slice(0, MAX_HITS)
      .map((r) => ({
        subject: r.subject,
        lessons: lessonsOf(r),
        whatHappened: r.whatHappened,
        savedAt: r.savedAt,
        savedBy: r.savedBy.name,
        openActions: r.actions.filter((a) => !a.doneAt).length,
      }));
  }

  /** The lessons of one exercise's review (its report). */
  async lessonsOfExercise(exerciseId: string): Promise<string[]> {
    const stored = await this.deps.repository.get(reviewKey({ kind: 'exercise', id: exerciseId }));
    return stored ? lessonsOf(stored.review) : [];
  }

  /**
   * The daily job: each action due today or before, not done and not yet reminded, is reminded once to its
   * owner: the review is marked first (on its ETag), so two instances remind once.
   */
  async remindDue(): Promise<number> {
    const today = ukCalendarDate(this.deps.clock.now());
    let sent = 0;
    for (const listed of await this.deps.repository.list()) {
      if (!actionsToRemind(listed, today).length) continue;
      const stored = await this.deps.repository.get(reviewKey(listed.subject));
      if (!stored) continue;
      const due = actionsToRemind(stored.review, today);
      if (!due.length) continue;
      const marked = markReminded(
        stored.review,
        due.map((a) => a.id),
        today,
      );
      const claimed = await this.deps.repository.save(marked, stored.etag);
      if (!claimed.ok) continue;
      for (const action of due)
        await this.deps
          .remindOwner(marked, action)
          .then(() => sent++)
          .catch((err) =>
            this.deps.logger?.error({ err }, 'reviews: reminding an action owner failed'),
          );
    }
    return sent;
  }
}
