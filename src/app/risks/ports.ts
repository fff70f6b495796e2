import type { Decision } from '../../domain/decisions';
import type { DueRiskReminder, Risk, RiskPolicy } from '../../domain/risk';
import type { Conditional } from '../ports';

/** A stored risk with the ETag its next conditional write must match. */
export interface StoredRisk {
  risk: Risk;
  etag: string;
  /**
   * A decision recorded on the risk but not yet confirmed in the decision log (the "outbox"): the use case
   * logs it (idempotently, by id) and clears it, so a crash between the two writes loses nothing and a retry
   * never logs it twice.
   */
  pendingDecision?: Decision;
}

export interface RiskRepository {
  get(id: string): Promise<StoredRisk | undefined>;
  /** Creates the risk with its history; `exists` if the id is taken. */
  create(risk: Risk): Promise<Conditional<StoredRisk>>;
  /**
   * Replaces the risk if unchanged since `etag`, appending the history events it does not have yet, in one
   * transaction. `pendingDecision` is kept beside it until `clearPending`.
   */
  update(
    risk: Risk,
    etag: string,
    opts?: { pendingDecision?: Decision },
  ): Promise<Conditional<StoredRisk>>;
  /** Forgets the pending decision once it is in the log; a lost race is fine (the next reader retries). */
  clearPending(id: string, etag: string): Promise<Conditional<StoredRisk>>;
  /**
   * Every real risk that is not closed, highest score first (then oldest first). Like `listAll` and
   * `listAllWithHistory`, it leaves out every exercise's risks (issue 21), so no reader of the register,
   * figures or exports counts them.
   */
  listOpen(): Promise<Risk[]>;
  /** The open real risks waiting for the ICS cyber group's decision (escalated), as `listOpen` orders them. */
  listOpenEscalated(): Promise<Risk[]>;
  /** Every risk that is not closed, an exercise's too (the leads' reminders, which say EXERCISE). */
  listOpenWithExercises(): Promise<Risk[]>;
  /** Every real risk, closed ones too (for the register export). */
  listAll(): Promise<Risk[]>;
  /** Every real risk with its history (the board pack's escalations): one range of the register. */
  listAllWithHistory(): Promise<Risk[]>;
  /** The risks raised for one exercise, closed ones too, without history (its report). */
  listForExercise(exerciseId: string): Promise<Risk[]>;
}

export interface StoredDecision {
  decision: Decision;
}

export interface DecisionRepository {
  get(id: string): Promise<Decision | undefined>;
  /** Logs the decision only if its id is new; `exists` otherwise (so a retry logs it once). */
  create(decision: Decision): Promise<Conditional<Decision>>;
  /**
   * The most recent real decisions, newest logged first. Like `listAll`, it leaves out every exercise's
   * decisions (issue 21), so no reader of the register, figures or exports counts them.
   */
  listRecent(limit: number): Promise<Decision[]>;
  /** The whole real log (for the export and figures), without exercises' decisions. */
  listAll(): Promise<Decision[]>;
  /** The decisions logged for one exercise, newest logged first (its report). */
  listForExercise(exerciseId: string): Promise<Decision[]>;
}

/** The risk policy (bands and appetite) with the ETag for a conditional save. */
export interface StoredRiskPolicy {
  policy: RiskPolicy;
  /** Undefined while nobody has saved a policy (the default applies). */
  etag?: string;
  updatedAt?: string;
  updatedBy?: string;
}

export interface RiskPolicyRepository {
  get(): Promise<StoredRiskPolicy>;
  /** Saves if unchanged since `etag` (or, with no etag, only if none was saved yet). */
  save(
    policy: RiskPolicy,
    meta: { updatedAt: string; updatedBy: string },
    etag: string | undefined,
  ): Promise<Conditional<StoredRiskPolicy>>;
}

/** Tells the ICS cyber group in Teams: implemented in src/bot, through the outbox. */
export interface RiskEscalationNotifier {
  /**
   * Posts the escalation card, with the leads' choices and the leads @mentioned, in the ICS cyber
   * channel, and sends each lead the card in their own chat.
   */
  postEscalation(risk: Risk): Promise<void>;
  /**
   * Shows a decision wherever the risk's cards are, whichever way it was made (the card or the tab): the
   * escalation card in the channel for everyone, a confirmation in its thread, the raiser's own copy and the
   * leads' copies. When a lead asks for more information, the raiser is told in their chat.
   */
  decided(risk: Risk, decision: Decision): Promise<void>;
}

/** Chases the leads of escalations still undecided: implemented in src/bot, through the outbox. */
export interface RiskReminderNotifier {
  /** Reminds each lead of an escalation still waiting for their decision, in their own chat. */
  remindLeads(risk: Risk, reminder: DueRiskReminder): Promise<void>;
}

/**
 * Which of a risk's cards in Teams: the escalation card in the ICS cyber channel, the raiser's own copy,
 * or a lead's copy in their chat (`lead:<Entra object id>`).
 */
export type RiskCardKind = 'escalation' | 'raiser' | `lead:${string}`;

/**
 * Where a risk's card was sent, so a later change (a decision made in the tab) can update it there. While
 * the card waits in the outbox only `postId` is known; once delivered, its message id.
 */
export interface RiskCardPlace {
  /** The conversation the message is in (for a channel post, its thread; for a queued one, the channel). */
  conversationId: string;
  activityId?: string;
  /** The outbox row that sends the card, while it has not been delivered. */
  postId?: string;
  /** The person (Entra object id) in whose 1:1 chat with CTAC the card is. */
  personalOf?: string;
  /** Places saved before cards went through the outbox: the conversation reference (plain JSON). */
  reference?: unknown;
}

/** The latest card of each kind per risk: a new escalation card replaces the place of the old one. */
export interface RiskCardPlaces {
  save(riskId: string, kind: RiskCardKind, place: RiskCardPlace): Promise<void>;
  get(riskId: string, kind: RiskCardKind): Promise<RiskCardPlace | undefined>;
  /** Every card of the risk, by kind. */
  list(riskId: string): Promise<{ kind: RiskCardKind; place: RiskCardPlace }[]>;
  /**
   * Records where the card the outbox row `postId` sent went, unless a newer card of that kind has
   * taken its place meanwhile (a risk escalated again).
   */
  delivered(
    riskId: string,
    kind: RiskCardKind,
    postId: string,
    place: RiskCardPlace,
  ): Promise<void>;
}

/** Which reminders were sent, so a restart or a second instance never sends one twice. */
export interface RiskReminderLog {
  /** Records the reminder as sent now; false when it already was (by this instance or another). */
  claim(reminder: DueRiskReminder, at: Date): Promise<boolean>;
  /** Forgets a claim whose reminder could not be queued, so it is sent on a later pass. */
  release(reminder: DueRiskReminder): Promise<void>;
}
