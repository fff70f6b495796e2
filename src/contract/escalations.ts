/** An escalated risk as the queue shows it. */
export interface EscalationView {
  id: string;
  title: string;
  description: string;
  orgCode: string;
  orgName: string;
  cafPrinciple: string;
  score: number;
  band: string;
  owner: string;
  reason: string;
  note?: string;
  escalatedAt: string;
  escalatedAtUk: string;
  escalatedBy: string;
  infoRequest?: string;
}

/** A decision on an escalated risk as the tab shows it once recorded, in the words the cards use. */
export interface RecordedDecisionView {
  id: string;
  choice: string;
  /** The choice's one name ("Treat"). */
  choiceName: string;
  /** What the decision log says came of it ("Being treated"). */
  outcome: string;
  statusLabel: string;
  rationale: string;
  decidedBy: string;
  decidedAtUk: string;
}
