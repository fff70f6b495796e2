import {
  durationText,
  exerciseRiskText,
  exerciseStatus,
  type Exercise,
  type ExerciseReport,
} from '../domain/exercises';
import { formatUkDate, formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';

/** A button on a sections card: an Action.Execute with its verb in its data too. */
interface SectionButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

interface SectionsView {
  style: 'accent' | 'good' | 'emphasis' | 'warning' | 'attention';
  heading: string;
  intro?: string;
  sections: { heading: string; lines: string[] }[];
  footer?: string;
  buttons?: SectionButton[];
}

/** A card of headed sections of lines (exercise report, register, lessons, reminders). */
export const sectionsCard = (v: SectionsView): AdaptiveCard =>
  renderCard('exercises/exercise-sections', {
    style: v.style,
    heading: v.heading,
    intro: v.intro ?? '',
    sections: v.sections,
    footer: v.footer ?? '',
    buttons: v.buttons ?? [],
  });

const command = (title: string, text: string): SectionButton => ({
  title,
  verb: 'command.run',
  data: { verb: 'command.run', command: text },
});

/** What the start and inject forms show. */
export interface ExerciseFormView {
  /** Start: name, participants, pages to participants only; inject: the running exercise. */
  mode: 'start' | { inject: Pick<Exercise, 'id' | 'name' | 'startedAt'> };
  people?: { id: string; name: string }[];
  values: { name?: string; participants?: string; participantsOnly?: boolean; scenario?: string };
  problems?: string[];
}

/** `exercise start NAME` and `exercise inject`: the lead's form. */
export function exerciseFormCard(v: ExerciseFormView): AdaptiveCard {
  const start = v.mode === 'start';
  const inject = v.mode === 'start' ? undefined : v.mode.inject;
  return renderCard('exercises/exercise-form', {
    heading: start ? 'Start an EXERCISE' : `EXERCISE: inject alerts into "${inject!.name}"`,
    intro: start
      ? 'Every card and page of the exercise is marked EXERCISE and none of it counts in the real figures or registers. Scripted alerts arrive at their minute from the start.'
      : `Minutes count from the start (${formatUkDateTime(inject!.startedAt)}); a minute already past arrives at once.`,
    problems: v.problems ?? [],
    isStart: start,
    name: v.values.name ?? '',
    participants: v.values.participants ?? '',
    participantsOnly: v.values.participantsOnly ? 'true' : 'false',
    people: (v.people ?? []).map((p) => ({ title: p.name, value: p.id })),
    scenario: v.values.scenario ?? '',
    submitTitle: start ? 'Start the exercise' : 'Inject',
    verb: start ? 'exercise.start' : 'exercise.inject',
    submitData: start
      ? { verb: 'exercise.start' }
      : { verb: 'exercise.inject', exerciseId: inject!.id },
  });
}

/** The answer to a start or an inject: what runs and when its alerts come. */
export function exerciseStartedCard(exercise: Exercise, heading: string): AdaptiveCard {
  const start = Date.parse(exercise.startedAt);
  return sectionsCard({
    style: 'accent',
    heading,
    intro: `EXERCISE "${exercise.name}", led by ${exercise.lead.name}. Pages go to ${exercise.participantsOnly ? 'the participants only' : 'whoever the escalation policy pages'}.`,
    sections: [
      {
        heading: 'Participants',
        lines: [exercise.participants.map((p) => p.name).join(', ')],
      },
      {
        heading: `Scripted alerts (${exercise.injected.length} of ${exercise.scenario.length} sent)`,
        lines: exercise.scenario.map(
          (l) =>
            `${exercise.injected.includes(l.line) ? 'Sent' : formatUkDateTime(new Date(start + l.minute * 60_000))}: minute ${l.minute}, ${l.severity}, ${l.title}`,
        ),
      },
    ],
    footer: 'Type "exercise end" when it is over for its report.',
    buttons: [
      command('Inject alerts', 'exercise inject'),
      command('End the exercise', 'exercise end'),
    ],
  });
}

/**
 * `exercise end`: the report (timeline, time to acknowledge, responders, runbook steps, decisions, risks
 * raised, lessons).
 */
export function exerciseReportCard(
  report: ExerciseReport,
  opts: { reviewButton?: boolean } = {},
): AdaptiveCard {
  const { exercise } = report;
  return sectionsCard({
    style: 'accent',
    heading: `EXERCISE report: ${exercise.name}`,
    intro: [
      `Led by ${exercise.lead.name}; ${formatUkDateTime(exercise.startedAt)} to ${exercise.endedAt ? formatUkDateTime(exercise.endedAt) : 'now (still running)'}.`,
      `Participants: ${exercise.participants.map((p) => p.name).join(', ')}.`,
      exercise.outcome ? `Outcome: ${exercise.outcome}` : '',
    ]
      .filter(Boolean)
      .join(' '),
    sections: [
      ...report.alerts.map((a) => ({
        heading: `${a.title} (${a.severity})`,
        lines: [
          a.secondsToAcknowledge === undefined
            ? 'Time to acknowledge: not acknowledged'
            : `Time to acknowledge: ${durationText(a.secondsToAcknowledge)} (${a.acknowledgedBy})`,
          `Responders: ${a.responders.join(', ') || 'nobody'}`,
          `Runbook steps done: ${a.runbookSteps.length}`,
          ...a.runbookSteps.map((s) => `- ${s}`),
          ...a.timeline.slice(0, 15).map((t) => `- ${t}`),
        ],
      })),
      ...(report.alerts.length ? [] : [{ heading: 'Alerts', lines: ['No alerts were injected.'] }]),
      {
        heading: 'Decisions taken',
        lines: report.decisions.length
          ? report.decisions.map(
              (d) => `${formatUkDateTime(d.at)}, ${d.by}: ${d.text.slice(0, 200)}`,
            )
          : ['None logged during the exercise.'],
      },
      {
        heading: 'Risks raised',
        lines: report.risks.length
          ? report.risks.map((r) => exerciseRiskText(r).slice(0, 240))
          : ['None raised during the exercise.'],
      },
      {
        heading: 'Lessons',
        lines: report.lessons.length
          ? report.lessons
          : ['None captured yet: the review card asks for them.'],
      },
    ],
    footer: `Leads: the report as a document is at GET /api/registers/exercises/${exercise.id}.md.`,
    buttons: opts.reviewButton
      ? [
          {
            title: 'Review the exercise',
            verb: 'review.open',
            data: { verb: 'review.open', kind: 'exercise', id: exercise.id },
          },
        ]
      : [],
  });
}

/** `exercises`: the register (date, scenario, outcome). */
export function exerciseRegisterCard(exercises: readonly Exercise[]): AdaptiveCard {
  return sectionsCard({
    style: 'emphasis',
    heading: `Exercises (${exercises.length})`,
    intro: exercises.length
      ? 'Each CTAC exercise, newest first.'
      : 'No exercises yet. Leads start one with "exercise start NAME".',
    sections: exercises.slice(0, 25).map((e) => ({
      heading: `${formatUkDate(e.startedAt)}: ${e.name} (${exerciseStatus(e) === 'ended' ? 'ended' : 'running'})`,
      lines: [
        `Scenario: ${
          e.scenario.length
            ? e.scenario
                .map((l) => l.title)
                .join('; ')
                .slice(0, 400)
            : 'no scripted alerts'
        }`,
        `Outcome: ${e.outcome || (e.endedAt ? 'not recorded' : 'still running')}`,
      ],
    })),
    footer: 'Leads: the register as CSV is at GET /api/registers/exercises.csv.',
  });
}
