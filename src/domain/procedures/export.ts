import { formatUkDate, formatUkDateTime } from '../shared/time';
import { describeScope, type Procedure } from './procedure';

/** Text a person typed, shown as itself in Markdown rather than as formatting. */
const md = (text: string): string => text.replace(/([\\`*_[\]<>#|~])/g, '\\$1');

/**
 * Every procedure's latest version as one Markdown document for the ICS cyber group: each procedure with
 * its version, who saved it and when, what it is for, and its numbered steps with guidance and links.
 */
export function proceduresMarkdown(procedures: readonly Procedure[], at: Date): string {
  const lines = [
    '# CTAC operating procedures',
    '',
    `Exported ${formatUkDateTime(at)}. ${procedures.length} procedure${procedures.length === 1 ? '' : 's'}, each at its latest version.`,
    '',
  ];
  if (!procedures.length) lines.push('No procedures have been saved yet.', '');
  for (const p of procedures) {
    lines.push(
      `## ${md(p.name)}`,
      '',
      `Version ${p.version}, saved by ${md(p.savedBy.name)} on ${formatUkDate(p.savedAt)}. For ${md(describeScope(p.appliesTo))}.`,
      '',
    );
    p.steps.forEach((step, i) => {
      const guidance = step.guidance ? `: ${md(step.guidance)}` : '';
      const link = step.link
        ? ` ([more](<${step.link.replace(/[<>\s]/g, encodeURIComponent)}>))`
        : '';
      lines.push(`${i + 1}. **${md(step.title)}**${guidance}${link}`);
    });
    lines.push('');
  }
  return lines.join('\n');
}
