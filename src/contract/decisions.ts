/** One decision as the decision register lists it. */
export interface DecisionRowView {
  id: string;
  text: string;
  rationale: string;
  decidedBy: string;
  outcome: string;
  decidedOn: string;
  decidedOnUk: string;
  loggedBy: string;
  related?: string;
  sourceMessageLink?: string;
  supersedes?: string;
  supersededBy?: string;
}
