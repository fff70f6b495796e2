/** Where an alert came from: an NHS England High Severity Alert or an incident alert. */
export type AlertSource = 'hsa' | 'incident';
export const ALERT_SOURCES: readonly AlertSource[] = ['hsa', 'incident'];

/** NHS England's grades for cyber alerts, spelt as the NHS cyber alerts API spells them. */
export type HsaSeverity = 'High' | 'Medium' | 'Low' | 'Information only';
export const HSA_SEVERITIES: readonly HsaSeverity[] = ['High', 'Medium', 'Low', 'Information only'];

/** Grades of an incident alert from a managed service provider, the national CSOC or the chat. */
export type IncidentSeverity = 'critical' | 'high' | 'medium' | 'low';
export const INCIDENT_SEVERITIES: readonly IncidentSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
];

/** The severity word shown on the card; which words are possible depends on the source. */
export type AlertSeverity = HsaSeverity | IncidentSeverity;

/**
 * One scale for both sources, used for card colour and to choose the escalation policy.
 * The words are those of the webhook contract.
 */
export type SeverityRank = 'critical' | 'high' | 'medium' | 'low' | 'information';

/** Most severe first. */
export const SEVERITY_RANKS: readonly SeverityRank[] = [
  'critical',
  'high',
  'medium',
  'low',
  'information',
];

const ORDER: Record<SeverityRank, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  information: 0,
};

const RANK_OF: Record<AlertSeverity, SeverityRank> = {
  High: 'high',
  Medium: 'medium',
  Low: 'low',
  'Information only': 'information',
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
};

/** The normalised rank of a severity word. */
export const severityRank = (severity: AlertSeverity): SeverityRank => RANK_OF[severity];

/** True when `rank` is at least as severe as `floor`. */
export const isAtLeast = (rank: SeverityRank, floor: SeverityRank): boolean =>
  ORDER[rank] >= ORDER[floor];

/** True when the word is a severity that alerts from `source` can have. */
export function isSeverityOf(source: AlertSource, value: unknown): value is AlertSeverity {
  const allowed: readonly string[] = source === 'hsa' ? HSA_SEVERITIES : INCIDENT_SEVERITIES;
  return typeof value === 'string' && allowed.includes(value);
}

/**
 * Maps a webhook severity onto the source's own scale. HSAs have no "critical" grade (High is
 * NHS England's top grade), so critical becomes High; incidents have no "information" grade, so
 * information becomes low.
 */
export function severityFromWebhook(source: AlertSource, severity: SeverityRank): AlertSeverity {
  if (source === 'hsa') {
    const hsa: Record<SeverityRank, HsaSeverity> = {
      critical: 'High',
      high: 'High',
      medium: 'Medium',
      low: 'Low',
      information: 'Information only',
    };
    return hsa[severity];
  }
  return severity === 'information' ? 'low' : severity;
}
