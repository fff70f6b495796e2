import { parseCalendarDate, type CalendarDate } from '../risk/calendar-date';
import { cleanLine } from '../shared/clean-text';
import { CtacError } from '../shared/errors';

/** The outcome of a Data Security and Protection Toolkit assessment. */
export const DSPT_STATUSES = ['exceeded', 'met', 'not-met'] as const;
export type DsptStatus = (typeof DSPT_STATUSES)[number];

export const DSPT_LABELS: Record<DsptStatus, string> = {
  exceeded: 'Standards exceeded',
  met: 'Standards met',
  'not-met': 'Standards not met',
};

/** One organisation's DSPT status as its lead recorded it; every record is kept as history. */
export interface DsptRecord {
  orgCode: string;
  status: DsptStatus;
  /** The date of the assessment (the publication date of the submission). */
  assessedOn: CalendarDate;
  recordedAt: string;
  recordedBy: { id: string; name: string };
}

/** "standards met", "Met", "not met", "not-met", "standards exceeded" -> the status; undefined otherwise. */
export function parseDsptStatus(text: string): DsptStatus | undefined {
  const words = cleanLine(text)
    .toLowerCase()
    .replace(/[-_]/g, ' ')
    .replace(/^standards\s+/, '')
    .replace(/\s+/g, ' ');
  if (words === 'met') return 'met';
  if (words === 'exceeded') return 'exceeded';
  if (words === 'not met') return 'not-met';
  return undefined;
}

/** What `dspt ...` asks: an organisation (admins only name one), a status and the assessment date. */
export interface DsptCommand {
  orgCode?: string;
  status: DsptStatus;
  /** Absent: today. */
  assessedOn?: CalendarDate;
}

const ORG_CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/;

/**
 * Reads `dspt [ORG] <standards met|exceeded|not met> [date]`. The date comes last (31/03/2026 or
 * 2026-03-31); an organisation code, if any, first. Throws a `validation` CtacError saying how to type it.
 */
export function parseDsptCommand(args: string): DsptCommand {
  const usage =
    'Type "dspt standards met", "dspt exceeded 31/03/2026" or "dspt not met"; admins may name the organisation first, as in "dspt RXC met".';
  const words = cleanLine(args).split(' ').filter(Boolean);
  let assessedOn: CalendarDate | undefined;
  const last = words[words.length - 1];
  if (last && /\d/.test(last)) {
    assessedOn = parseCalendarDate(last);
    if (!assessedOn)
      throw new CtacError('validation', 'Please check the DSPT status.', [
        `"${last.slice(0, 20)}" is not a real date: use 31/03/2026.`,
      ]);
    words.pop();
  }
  const status = parseDsptStatus(words.join(' '));
  if (status) return { status, ...(assessedOn ? { assessedOn } : {}) };
  const [first = '', ...rest] = words;
  const orgCode = first.toUpperCase();
  const afterOrg = parseDsptStatus(rest.join(' '));
  if (ORG_CODE.test(orgCode) && afterOrg)
    return { orgCode, status: afterOrg, ...(assessedOn ? { assessedOn } : {}) };
  throw new CtacError('validation', 'Please check the DSPT status.', [usage]);
}

/** "Standards met (31 Mar 2026)" style line for an organisation, or a line saying none is recorded. */
export const dsptLine = (record: Pick<DsptRecord, 'status' | 'assessedOn'> | undefined): string =>
  record
    ? `${DSPT_LABELS[record.status]} (${ukDay(record.assessedOn)})`
    : 'DSPT status not recorded';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "31 Mar 2026" from a calendar date. */
export const ukDay = (date: CalendarDate): string => {
  const [y, m, d] = date.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
};
