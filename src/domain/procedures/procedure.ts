import { isHttpsUrl } from '../alerts/alert';
import { SEVERITY_RANKS, type AlertSource, type SeverityRank } from '../alerts/severity';
import { cleanLine, textLength } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { isSlug, slugFrom } from '../shared/slug';

/** One numbered step of a procedure: what to do, a line of guidance, and a link to read more. */
export interface ProcedureStep {
  title: string;
  guidance: string;
  /** An https:// link, when the step has one. */
  link?: string;
}

/** Which alerts a procedure is for: a source, a few severities and words in the alert's title or summary. */
export interface ProcedureScope {
  /** `any` for both HSAs and incidents. */
  source: AlertSource | 'any';
  /** Empty: every severity. */
  severities: SeverityRank[];
  /** Lower-case words or phrases, any one of which in the title or summary makes the alert fit. */
  keywords: string[];
}

/**
 * One version of a CTAC operating procedure. Editing saves a new version with the next number; a version is
 * never changed once saved, so a runbook's ticks always name the steps people saw.
 */
export interface Procedure {
  /** Stable id from the first version's name (`ransomware`, `critical-hsa`). */
  id: string;
  name: string;
  /** 1, 2, 3, ... */
  version: number;
  appliesTo: ProcedureScope;
  steps: ProcedureStep[];
  savedBy: { id: string; name: string };
  /** ISO 8601 instant. */
  savedAt: string;
}

/** What a lead or admin types in the form, as text. */
export interface ProcedureInput {
  name: string;
  /** `any`, `hsa` or `incident`. */
  source: string;
  /** Comma-separated severities (critical, high, medium, low, information); empty for all. */
  severities: string;
  /** Comma-separated words or phrases. */
  keywords: string;
  /** One step a line: "title | guidance | link". */
  steps: string;
}

export const PROCEDURE_LIMITS = {
  name: 80,
  id: 60,
  steps: 20,
  stepTitle: 120,
  guidance: 250,
  link: 200,
  keywords: 10,
  keyword: 40,
} as const;

const SOURCES = ['any', 'hsa', 'incident'] as const;

/** The id a procedure's name gives: lower case letters, digits and hyphens ("Critical HSA" -> "critical-hsa"). */
export const procedureIdFrom = (name: string): string => slugFrom(name, PROCEDURE_LIMITS.id);

/** A procedure id as someone could have sent it (a card's data is untrusted). */
export const isProcedureId = (id: string): boolean => isSlug(id, PROCEDURE_LIMITS.id);

/**
 * Reads the steps a person typed, one a line, "title | guidance | link" (guidance and link may be left out;
 * a leading "1." or "-" is dropped). Problems name the line they are on.
 */
export function parseSteps(text: string, problems: string[]): ProcedureStep[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => cleanLine(line))
    .filter(Boolean);
  if (!lines.length) problems.push('Steps: give at least one step, one a line.');
  if (lines.length > PROCEDURE_LIMITS.steps)
    problems.push(
      `Steps: a procedure has at most ${PROCEDURE_LIMITS.steps} steps (this has ${lines.length}).`,
    );
  return lines.slice(0, PROCEDURE_LIMITS.steps).map((line, i) => {
    const at = `Step ${i + 1}`;
    const [rawTitle = '', rawGuidance = '', rawLink = '', ...extra] = line
      .replace(/^(\d{1,2}[.)]|[-*•])\s+/, '')
      .split('|')
      .map((part) => part.trim());
    const title = rawTitle;
    if (!title) problems.push(`${at}: say what to do before the first "|".`);
    else if (textLength(title) > PROCEDURE_LIMITS.stepTitle)
      problems.push(`${at}: the title must be at most ${PROCEDURE_LIMITS.stepTitle} characters.`);
    if (textLength(rawGuidance) > PROCEDURE_LIMITS.guidance)
      problems.push(`${at}: the guidance must be at most ${PROCEDURE_LIMITS.guidance} characters.`);
    if (extra.length)
      problems.push(`${at}: use "title | guidance | link": there are too many "|" on the line.`);
    if (rawLink && (textLength(rawLink) > PROCEDURE_LIMITS.link || !isHttpsUrl(rawLink)))
      problems.push(
        `${at}: the link must be an https:// address of at most ${PROCEDURE_LIMITS.link} characters.`,
      );
    return { title, guidance: rawGuidance, ...(rawLink ? { link: rawLink } : {}) };
  });
}

/** The steps as the form shows them again, one a line. */
export const stepsText = (steps: readonly ProcedureStep[]): string =>
  steps
    .map((s) => [s.title, s.guidance, s.link ?? ''].join(' | ').replace(/( \| )+$/, ''))
    .join('\n');

/**
 * Checks what was typed and gives the procedure's name, scope and steps; a `validation` CtacError lists every
 * problem at once.
 */
export function normaliseProcedure(
  input: ProcedureInput,
): Pick<Procedure, 'name' | 'appliesTo' | 'steps'> {
  const problems: string[] = [];
  const name = cleanLine(input.name ?? '');
  if (!name) problems.push('Name: give the procedure a name, such as "Ransomware".');
  else if (textLength(name) > PROCEDURE_LIMITS.name)
    problems.push(`Name: must be at most ${PROCEDURE_LIMITS.name} characters.`);
  else if (!procedureIdFrom(name))
    problems.push('Name: use some letters or digits, such as "Ransomware".');
  const source = cleanLine(input.source ?? '').toLowerCase() || 'any';
  if (!(SOURCES as readonly string[]).includes(source))
    problems.push('Applies to: choose any alert, HSAs or incidents.');
  const severities = listOf(input.severities).map((s) => s.toLowerCase());
  for (const s of severities)
    if (!(SEVERITY_RANKS as readonly string[]).includes(s))
      problems.push(`Severities: "${s.slice(0, 40)}" is not one of ${SEVERITY_RANKS.join(', ')}.`);
  const keywords = [...new Set(listOf(input.keywords).map((k) => k.toLowerCase()))];
  if (keywords.length > PROCEDURE_LIMITS.keywords)
    problems.push(`Keywords: at most ${PROCEDURE_LIMITS.keywords}.`);
  for (const k of keywords)
    if (textLength(k) > PROCEDURE_LIMITS.keyword)
      problems.push(
        `Keywords: "${k.slice(0, 40)}…" is longer than ${PROCEDURE_LIMITS.keyword} characters.`,
      );
  const steps = parseSteps(input.steps ?? '', problems);
  if (problems.length) throw new CtacError('validation', 'Please check the procedure.', problems);
  return {
    name,
    appliesTo: {
      source: source as ProcedureScope['source'],
      severities: [...new Set(severities)] as SeverityRank[],
      keywords,
    },
    steps,
  };
}

const listOf = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((part) => cleanLine(part))
    .filter(Boolean);

/** "HSAs, critical or high, about ransomware or encrypted": who the procedure is for, in words. */
export function describeScope(scope: ProcedureScope): string {
  const source =
    scope.source === 'hsa' ? 'HSAs' : scope.source === 'incident' ? 'incidents' : 'any alert';
  const parts = [source];
  if (scope.severities.length) parts.push(scope.severities.join(' or '));
  if (scope.keywords.length) parts.push(`about ${scope.keywords.join(' or ')}`);
  return parts.join(', ');
}
