import type { Alert } from '../alerts';
import { formatUkDateTime } from '../shared/time';
import type { Exercise } from './exercise';

/** One injected alert as the exercise report shows it. */
export interface ExerciseAlertReport {
  alertId: string;
  title: string;
  severity: string;
  raisedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  /** Whole seconds from raising to the first acknowledgement; undefined if never acknowledged. */
  secondsToAcknowledge?: number;
  resolvedAt?: string;
  /** Everyone who acted on the alert (acknowledged, noted, ticked, resolved, escalated), by name, once each. */
  responders: string[];
  /** Runbook steps ticked, in order: "Ransomware v2 step 1: Isolate the host (Asha, 10:04)". */
  runbookSteps: string[];
  /** The alert's timeline in words, oldest first. */
  timeline: string[];
}

/** A decision logged while the exercise ran. */
export interface ExerciseDecisionLine {
  text: string;
  by: string;
  at: string;
}

/** A risk raised as part of the exercise (issue 21). */
export interface ExerciseRiskLine {
  id: string;
  title: string;
  score: number;
  /** The risk's status in words, as its card shows it ("Open", "Closed"...). */
  status: string;
  by: string;
  at: string;
}

/** What `exercise end` shows and the register's document holds. */
export interface ExerciseReport {
  exercise: Exercise;
  alerts: ExerciseAlertReport[];
  decisions: ExerciseDecisionLine[];
  /** The risks raised as part of it, oldest first: never on the real register. */
  risks: ExerciseRiskLine[];
  lessons: string[];
}

/** A risk raised in the exercise as one line of its report. */
export const exerciseRiskText = (r: ExerciseRiskLine): string =>
  `${formatUkDateTime(r.at)}, ${r.by}: ${r.id} ${r.title} (score ${r.score}, ${r.status})`;

const PEOPLE_KINDS = new Set([
  'acknowledged',
  'noted',
  'resolved',
  'escalated',
  'snoozed',
  'runbook.step',
]);

/** Time to acknowledge in words: "2 min 5 s", "45 s", "1 h 3 min". */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function eventText(event: Alert['timeline'][number]): string {
  const who = event.actor.source === 'job' ? 'CTAC' : event.actor.name;
  const when = formatUkDateTime(event.at);
  switch (event.kind) {
    case 'raised':
      return `${when}: raised`;
    case 'acknowledged':
      return `${when}: acknowledged by ${who}`;
    case 'resolved':
      return `${when}: resolved by ${who}`;
    case 'noted':
      return `${when}: note by ${who}`;
    case 'escalated':
      return `${when}: escalated`;
    case 'paged':
      return `${when}: paged ${event.recipients.map((r) => r.name).join(', ')}`;
    case 'snoozed':
      return `${when}: snoozed by ${who}`;
    case 'runbook.step':
      return `${when}: ${who} ticked step ${event.step} (${event.stepTitle})`;
    default:
      return `${when}: ${event.kind}`;
  }
}

/** One alert's part of the report, from its timeline. */
export function alertReport(alert: Alert): ExerciseAlertReport {
  const firstAck = alert.timeline.find((e) => e.kind === 'acknowledged');
  const responders = [
    ...new Set(
      alert.timeline
        .filter((e) => PEOPLE_KINDS.has(e.kind) && e.actor.source !== 'job')
        .map((e) => e.actor.name),
    ),
  ];
  const runbookSteps = alert.timeline.flatMap((e) =>
    e.kind === 'runbook.step'
      ? [
          `${e.procedureName} v${e.version} step ${e.step}: ${e.stepTitle} (${e.actor.name}, ${formatUkDateTime(e.at)})`,
        ]
      : [],
  );
  return {
    alertId: alert.id,
    title: alert.title,
    severity: alert.severity,
    raisedAt: alert.raisedAt,
    ...(firstAck && {
      acknowledgedAt: firstAck.at,
      acknowledgedBy: firstAck.actor.name,
      secondsToAcknowledge: Math.max(
        0,
        Math.round((Date.parse(firstAck.at) - Date.parse(alert.raisedAt)) / 1000),
      ),
    }),
    ...(alert.resolvedAt && { resolvedAt: alert.resolvedAt }),
    responders,
    runbookSteps,
    timeline: alert.timeline
      .filter((e) => !e.kind.startsWith('page.') && e.kind !== 'posted')
      .map(eventText),
  };
}

/**
 * The report of an exercise from its alerts (oldest first), the decisions logged and risks raised as part of
 * it, and its lessons.
 */
export function exerciseReport(
  exercise: Exercise,
  alerts: readonly Alert[],
  decisions: readonly ExerciseDecisionLine[],
  lessons: readonly string[],
  risks: readonly ExerciseRiskLine[] = [],
): ExerciseReport {
  return {
    exercise,
    alerts: [...alerts].sort((a, b) => a.raisedAt.localeCompare(b.raisedAt)).map(alertReport),
    decisions: [...decisions],
    risks: [...risks].sort((a, b) => a.at.localeCompare(b.at)),
    lessons: [...lessons],
  };
}

/** Text a person typed, shown as itself in Markdown rather than as formatting (one line). */
const md = (text: string): string =>
  text.replace(/\s+/g, ' ').replace(/([\\`*_[\]<>#|~])/g, '\\$1');

/**
 * The report as a Markdown document for the leads (GET /api/registers/exercises/<id>.md); what people typed
 * is escaped, as in the procedures' export.
 */
export function exerciseReportMarkdown(report: ExerciseReport): string {
  const { exercise } = report;
  const out: string[] = [
    `# Exercise report: ${md(exercise.name)}`,
    '',
    `- Led by: ${md(exercise.lead.name)}`,
    `- Started: ${formatUkDateTime(exercise.startedAt)}`,
    `- Ended: ${exercise.endedAt ? formatUkDateTime(exercise.endedAt) : 'still running'}`,
    `- Participants: ${md(exercise.participants.map((p) => p.name).join(', '))}`,
    `- Pages to participants only: ${exercise.participantsOnly ? 'yes' : 'no'}`,
    `- Outcome: ${exercise.outcome ? md(exercise.outcome) : 'not recorded'}`,
    '',
    '## Alerts',
    '',
  ];
  if (!report.alerts.length) out.push('No alerts were injected.', '');
  for (const a of report.alerts) {
    out.push(`### ${md(a.title)} (${a.severity})`, '');
    out.push(
      `- Time to acknowledge: ${a.secondsToAcknowledge === undefined ? 'not acknowledged' : `${durationText(a.secondsToAcknowledge)} (${md(a.acknowledgedBy ?? '')})`}`,
      `- Responders: ${md(a.responders.join(', ')) || 'nobody'}`,
      `- Runbook steps done: ${a.runbookSteps.length}`,
    );
    for (const step of a.runbookSteps) out.push(`  - ${md(step)}`);
    out.push('', 'Timeline:', '');
    for (const line of a.timeline) out.push(`- ${md(line)}`);
    out.push('');
  }
  out.push('## Decisions taken', '');
  if (!report.decisions.length) out.push('None logged during the exercise.');
  for (const d of report.decisions)
    out.push(`- ${formatUkDateTime(d.at)}, ${md(d.by)}: ${md(d.text)}`);
  out.push('', '## Risks raised', '');
  if (!report.risks.length) out.push('None raised during the exercise.');
  for (const r of report.risks) out.push(`- ${md(exerciseRiskText(r))}`);
  out.push('', '## Lessons', '');
  if (!report.lessons.length) out.push('None captured yet.');
  for (const l of report.lessons) out.push(`- ${md(l)}`);
  out.push('');
  return out.join('\n');
}
