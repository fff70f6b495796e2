/** An organisation's response to an HSA, as the alert card lists it: the view and its line of text. */
import type { HsaResponse, HsaResponseDueDates } from '../domain/alerts';
import { formatUkDateTime } from '../domain/shared/time';
import { clip } from './alert-display';

/** One organisation's response to an HSA, as the card shows it (drawn from HsaResponses.lines, src/app/alerts/hsa-response-lines.ts). */
export interface HsaResponseView {
  orgCode: string;
  orgName: string;
  response: HsaResponse;
  due: HsaResponseDueDates;
  overdue: { kind: string }[];
}

/** Ends text with a full stop unless it already ends a sentence (a note may end with its own). */
const sentence = (text: string): string => (/[.!?…]$/.test(text) ? text : `${text}.`);

export function responseLine(line: HsaResponseView): { heading: string; detail: string } {
  const r = line.response;
  const parts: string[] = [];
  // "HSA acknowledged for RXC": the organisation's acknowledgement to NHS England, not the on-call one.
  parts.push(
    r.acknowledgedBy && r.acknowledgedAt
      ? `HSA acknowledged for ${line.orgCode} by ${r.acknowledgedBy.name} at ${formatUkDateTime(r.acknowledgedAt)}`
      : line.due.acknowledgeBy
        ? `HSA not yet acknowledged for ${line.orgCode} (due by ${formatUkDateTime(line.due.acknowledgeBy)})`
        : `HSA not yet acknowledged for ${line.orgCode}`,
  );
  parts.push(r.applicability === 'unknown' ? 'not known if affected' : r.applicability);
  parts.push(`remediation ${r.remediation}`);
  if (line.due.nextUpdateBy)
    parts.push(`next update by ${formatUkDateTime(line.due.nextUpdateBy)}`);
  if (line.due.patchBy && r.remediation !== 'patched')
    parts.push(`patch by ${formatUkDateTime(line.due.patchBy)}`);
  if (r.lastNote) parts.push(`latest: ${clip(r.lastNote, 200)}`);
  const overdue = line.overdue.map((o) => o.kind);
  return {
    heading: `${clip(line.orgName, 80)} (${line.orgCode})${overdue.length ? `: OVERDUE ${overdue.join(', ')}` : ''}`,
    detail: sentence(parts.join('; ')),
  };
}
