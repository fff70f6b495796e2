/** One alert as the tab's alert list shows it. */
export interface AlertRowView {
  id: string;
  source: string;
  key: string;
  title: string;
  severity: string;
  state: string;
  /** The state in the words the alert cards use ("Needs action"). */
  stateLabel: string;
  raisedAtUk: string;
  acknowledgedBy?: string;
}

/** One UK week of alerts: how many were raised, acknowledged and resolved, and how fast. */
export interface AlertWeekView {
  /** Monday of the week, UK date. */
  weekOfUk: string;
  weekOf: string;
  raised: number;
  acknowledged: number;
  /** Median minutes from raising to acknowledgement; undefined when none were acknowledged. */
  medianMinutesToAcknowledge?: number;
  resolved: number;
  medianMinutesToResolve?: number;
}
