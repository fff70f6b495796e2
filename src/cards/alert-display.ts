/**
 * How an alert reads and looks on the alert card and the alert list: header colour, severity and state
 * words, source label, state line, and long text clipped.
 */
import type { Alert, AlertSummary, AlertState, SeverityRank } from '../domain/alerts';
import { formatUkDateTime } from '../domain/shared/time';

export const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;

/*
 * Colour on alert cards: only container styles, and only the host's default text on them. Teams defines a
 * default text colour for each container style that reads on that style's background in light, dark and
 * high contrast; its coloured text ("Good", "Attention", "Warning") does not (light green on the salmon
 * "attention" background is 1.4:1, and "Good" on white is 2.1:1, against WCAG AA's 4.5:1). Severity and
 * state are always said in words as well. tests/cards/alert-colours.test.ts checks the contrast.
 */

/** The header's container style for an alert still open, by severity. */
const SEVERITY_STYLE: Record<SeverityRank, ContainerStyle> = {
  critical: 'attention',
  high: 'attention',
  medium: 'warning',
  low: 'accent',
  information: 'emphasis',
};

/** Container styles the alert cards use. */
export type ContainerStyle = 'default' | 'emphasis' | 'attention' | 'warning' | 'accent' | 'good';

/**
 * The header's style: the alarm colour while the alert is open, the resolved colour once it is done. An
 * exercise's alert is open in the accent colour whatever its severity, so nobody takes it for a real one.
 */
export const headerStyle = (
  alert: Pick<Alert, 'state' | 'severityRank'> & Partial<Pick<Alert, 'exercise'>>,
): ContainerStyle =>
  alert.state === 'resolved'
    ? 'good'
    : alert.exercise
      ? 'accent'
      : SEVERITY_STYLE[alert.severityRank];

export const STATE_WORD: Record<AlertState, string> = {
  triggered: 'Needs action',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

/** The severity word as a person reads it: "HIGH", "INFORMATION ONLY". */
export const severityWord = (alert: Pick<Alert, 'severity'>): string =>
  alert.severity.toUpperCase();

/** "HSA CC-4719" or "Incident INC-77". */
export const sourceLabel = (alert: Pick<Alert, 'source' | 'dedupKey'>): string =>
  `${alert.source === 'hsa' ? 'HSA' : 'Incident'} ${alert.dedupKey}`;

/**
 * One line saying where the alert stands for CTAC's on call: who acknowledged or resolved it and when,
 * in UK time. An organisation's acknowledgement of an HSA is another thing, said as such (responseLine).
 */
export function stateLine(alert: AlertSummary): string {
  switch (alert.state) {
    case 'triggered':
      return 'Nobody on call has acknowledged this alert yet.';
    case 'acknowledged':
      return alert.acknowledgedBy && alert.acknowledgedAt
        ? `Acknowledged by ${alert.acknowledgedBy.name} at ${formatUkDateTime(alert.acknowledgedAt)}`
        : 'Acknowledged';
    case 'snoozed':
      return alert.snoozedUntil
        ? `Snoozed until ${formatUkDateTime(alert.snoozedUntil)}`
        : 'Snoozed';
    case 'resolved': {
      const who =
        alert.resolvedBy && alert.resolvedAt
          ? `Resolved by ${alert.resolvedBy.name} at ${formatUkDateTime(alert.resolvedAt)}`
          : 'Resolved';
      return alert.resolutionNote ? `${who}: ${clip(alert.resolutionNote, 500)}` : who;
    }
  }
}
