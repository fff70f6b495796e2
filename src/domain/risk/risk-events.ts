import type { Actor, EventSource } from '../shared/actor';
import type { CalendarDate } from './calendar-date';
import type { CafPrinciple } from './caf-principle';
import type { AppliedAppetite } from './risk-appetite';
import type { Consequence, Likelihood } from './risk-scale';
import type { RiskStatus } from './risk-status';
import type { EscalationChoice } from './escalation-choice';

/** What every entry in a risk's history records: which risk, when, who, and through which surface. */
interface RiskEventBase {
  riskId: string;
  /** ISO 8601 instant. */
  at: string;
  actor: Actor;
  /** Copied from the actor so the audit log can be filtered by surface without unpacking it. */
  source: EventSource;
}

/** A risk's likelihood, consequence and what they came to. */
export interface RiskRating {
  likelihood: Likelihood;
  consequence: Consequence;
  score: number;
  band: string;
}

export interface RiskRaised extends RiskEventBase {
  kind: 'raised';
  rating: RiskRating;
}

/** The fields an edit can change; the rating changes only by re-scoring, the organisation not at all. */
export type EditableRiskField =
  'title' | 'description' | 'cafPrinciple' | 'owner' | 'mitigations' | 'reviewDate' | 'supplier';

/** Old and new value of each field an edit changed. */
export type RiskFieldChanges = {
  title?: { from: string; to: string };
  description?: { from: string; to: string };
  cafPrinciple?: { from: CafPrinciple; to: CafPrinciple };
  owner?: { from: string; to: string };
  mitigations?: { from: string[]; to: string[] };
  reviewDate?: { from: CalendarDate; to: CalendarDate };
  /** Absent (undefined) when the risk named no supplier before, or names none now. */
  supplier?: { from?: string; to?: string };
};

export interface RiskEdited extends RiskEventBase {
  kind: 'edited';
  changes: RiskFieldChanges;
}

export interface RiskRescored extends RiskEventBase {
  kind: 'rescored';
  from: RiskRating;
  to: RiskRating;
  note?: string;
}

/** Why a risk went to the ICS cyber group. */
export type EscalationReason = 'above-appetite' | 'raised-by-member';

export interface RiskEscalated extends RiskEventBase {
  kind: 'escalated';
  reason: EscalationReason;
  score: number;
  /** The appetite it exceeded, for `above-appetite`. */
  appetite?: AppliedAppetite;
  /** Why a member escalated it by hand. */
  note?: string;
  statusFrom: RiskStatus;
}

export interface RiskDecided extends RiskEventBase {
  kind: 'decided';
  choice: EscalationChoice;
  rationale: string;
  /** The entry in the decision log. */
  decisionId: string;
  statusFrom: RiskStatus;
  statusTo: RiskStatus;
}

export interface RiskClosed extends RiskEventBase {
  kind: 'closed';
  reason: string;
  statusFrom: RiskStatus;
}

/** One entry of a risk's typed history. */
export type RiskEvent =
  RiskRaised | RiskEdited | RiskRescored | RiskEscalated | RiskDecided | RiskClosed;

export type RiskEventKind = RiskEvent['kind'];
