import { durationText, exerciseRiskText, type ExerciseReport } from '../domain/exercises';
import { formatUkDateTime } from '../domain/shared/time';

/**
 * An exercise's report as a PDF for the leads (the board pack's machinery: pdfkit, loaded only when a report
 * is made, its built-in Helvetica only): the exercise, then each alert's time to acknowledge, responders,
 * runbook steps and timeline, the decisions taken, the risks raised and the lessons.
 */
export async function exerciseReportPdf(report: ExerciseReport): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const { exercise } = report;
  const title = `CTAC exercise report: ${exercise.name}`;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: title, Author: 'CTAC', Subject: 'Exercise report' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const heading = (text: string, size = 14) => {
    doc.moveDown(0.6);
    doc.font('Helvetica-Bold').fontSize(size).text(text);
    doc.font('Helvetica').fontSize(10);
  };
  const line = (text: string) => doc.text(text, { paragraphGap: 2 });

  doc.font('Helvetica-Bold').fontSize(20).text(title);
  doc.font('Helvetica').fontSize(10);
  doc.moveDown(0.5);
  line(`Led by ${exercise.lead.name}.`);
  line(
    `${formatUkDateTime(exercise.startedAt)} to ${exercise.endedAt ? formatUkDateTime(exercise.endedAt) : 'now (still running)'} (UK time).`,
  );
  line(`Participants: ${exercise.participants.map((p) => p.name).join(', ')}.`);
  line(`Pages to participants only: ${exercise.participantsOnly ? 'yes' : 'no'}.`);
  line(`Outcome: ${exercise.outcome || 'not recorded'}.`);

  heading('Alerts');
  if (!report.alerts.length) line('No alerts were injected.');
  for (const a of report.alerts) {
    heading(`${a.title} (${a.severity})`, 12);
    line(
      a.secondsToAcknowledge === undefined
        ? 'Time to acknowledge: not acknowledged'
        : `Time to acknowledge: ${durationText(a.secondsToAcknowledge)} (${a.acknowledgedBy ?? ''})`,
    );
    line(`Responders: ${a.responders.join(', ') || 'nobody'}`);
    line(`Runbook steps done: ${a.runbookSteps.length}`);
    for (const step of a.runbookSteps) line(`  - ${step}`);
    for (const event of a.timeline) line(`- ${event}`);
  }
  heading('Decisions taken');
  if (!report.decisions.length) line('None logged during the exercise.');
  for (const d of report.decisions) line(`- ${formatUkDateTime(d.at)}, ${d.by}: ${d.text}`);
  heading('Risks raised');
  if (!report.risks.length) line('None raised during the exercise.');
  for (const r of report.risks) line(`- ${exerciseRiskText(r)}`);
  heading('Lessons');
  if (!report.lessons.length) line('None captured yet.');
  for (const l of report.lessons) line(`- ${l}`);
  doc.end();
  return done;
}
