import { isHttpsUrl } from '../alerts/alert';
import { parseCalendarDate, type CalendarDate } from '../risk/calendar-date';
import { cleanLine, limitText, lineFrom } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { isSlug, slugFrom } from '../shared/slug';
import { parseDsptStatus, type DsptStatus } from './dspt';

/** How much the ICS depends on a supplier: what losing them, or their being breached, would do. */
export const SUPPLIER_CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SupplierCriticality = (typeof SUPPLIER_CRITICALITIES)[number];

export const CRITICALITY_LABELS: Record<SupplierCriticality, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** The assurance a supplier can show, each with an expiry date. */
export const EVIDENCE_KINDS = ['dspt', 'iso27001', 'cyber-essentials-plus'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_LABELS: Record<EvidenceKind, string> = {
  dspt: 'DSPT',
  iso27001: 'ISO 27001',
  'cyber-essentials-plus': 'Cyber Essentials Plus',
};

/** One piece of assurance evidence: what it is, until when it holds, and (for the DSPT) its status. */
export interface SupplierEvidence {
  kind: EvidenceKind;
  expires: CalendarDate;
  /** The supplier's DSPT status; only for `dspt`. */
  status?: DsptStatus;
}

/** A critical supplier on the ICS register (issue 20). */
export interface Supplier {
  /** Stable id from the first name saved (`acme-pathology`): lower-case letters, digits and hyphens. */
  id: string;
  name: string;
  /** What they supply, in a line ("Pathology LIMS, hosted"). */
  supplies: string;
  /** The organisations that depend on them, by code, each one in the directory. */
  orgCodes: string[];
  criticality: SupplierCriticality;
  /** Whom to call in an incident: a name, a phone number, an email, as typed. */
  incidentContact: string;
  evidence: SupplierEvidence[];
  /** Where the assurance evidence is kept (an https:// link), when there is one. */
  evidenceLink?: string;
  nextReview: CalendarDate;
  addedAt: string;
  addedBy: { id: string; name: string };
  updatedAt: string;
  updatedBy: { id: string; name: string };
}

/** The supplier form as it arrives from a card: anything may be missing or forged. */
export interface SupplierInput {
  name?: unknown;
  supplies?: unknown;
  /** Comma-separated codes, as a multi-select sends them, or a list. */
  orgCodes?: unknown;
  criticality?: unknown;
  incidentContact?: unknown;
  evidenceLink?: unknown;
  nextReview?: unknown;
  /** `met`, `exceeded`, `not-met`, or empty for none. */
  dsptStatus?: unknown;
  dsptExpires?: unknown;
  iso27001Expires?: unknown;
  cyberEssentialsPlusExpires?: unknown;
}

export type SupplierFields = Pick<
  Supplier,
  | 'name'
  | 'supplies'
  | 'orgCodes'
  | 'criticality'
  | 'incidentContact'
  | 'evidence'
  | 'evidenceLink'
  | 'nextReview'
>;

export const SUPPLIER_LIMITS = Object.freeze({
  id: 60,
  name: 120,
  supplies: 300,
  incidentContact: 200,
  evidenceLink: 300,
  organisations: 60,
});

export interface NormaliseSupplierOptions {
  /** The organisation codes in the directory: any other code is refused. */
  organisationCodes: readonly string[];
  /** Today's UK date: a next review before it is a problem. */
  today: CalendarDate;
  /** A next review date that stays allowed though it has passed (the one the supplier has, on an edit). */
  keepNextReview?: CalendarDate;
}

/** The id a supplier's name gives ("Acme Pathology Ltd" -> "acme-pathology-ltd"). */
export const supplierIdFrom = (name: string): string => slugFrom(name, SUPPLIER_LIMITS.id);

/**
 * The supplier a risk names, as the register's id (its name as typed on the risk form, made an id as a
 * supplier's name is); undefined when it names none.
 */
export const supplierIdNamedBy = (risk: { supplier?: string }): string | undefined =>
  risk.supplier ? supplierIdFrom(risk.supplier) : undefined;

/** A supplier id as someone could have sent it (a card's data or a URL is untrusted). */
export const isSupplierId = (id: string): boolean => isSlug(id, SUPPLIER_LIMITS.id);

const codesFrom = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) return undefined;
  return [...new Set(items.map((i) => cleanLine(i).toUpperCase()).filter(Boolean))];
};

/**
 * Checks and tidies the supplier form, collecting every problem at once: lengths, an https:// link, real
 * dates (the next review not in the past), and organisations that are in the directory. Throws a
 * `validation` CtacError listing them.
 */
export function normaliseSupplier(
  input: SupplierInput,
  options: NormaliseSupplierOptions,
): SupplierFields {
  const problems: string[] = [];
  const name = limitText(lineFrom(input.name), SUPPLIER_LIMITS.name, problems, {
    missing: 'Name: give the supplier’s name.',
    field: 'Name',
  });
  if (name && !supplierIdFrom(name))
    problems.push('Name: use some letters or digits, such as "Acme Pathology".');
  const supplies = limitText(lineFrom(input.supplies), SUPPLIER_LIMITS.supplies, problems, {
    missing: 'Supplies: say what they supply, such as "Pathology system, hosted".',
    field: 'Supplies',
  });
  const orgCodes = codesFrom(input.orgCodes);
  if (orgCodes === undefined) problems.push('Organisations: choose them from the list.');
  else if (!orgCodes.length)
    problems.push('Organisations: choose at least one organisation that depends on them.');
  else if (orgCodes.length > SUPPLIER_LIMITS.organisations)
    problems.push(`Organisations: at most ${SUPPLIER_LIMITS.organisations}.`);
  else
    for (const code of orgCodes)
      if (!options.organisationCodes.includes(code))
        problems.push(`Organisations: ${code.slice(0, 20)} is not an organisation in CTAC.`);
  const criticality = lineFrom(input.criticality).toLowerCase();
  if (!(SUPPLIER_CRITICALITIES as readonly string[]).includes(criticality))
    problems.push('Criticality: choose critical, high, medium or low.');
  const incidentContact = limitText(
    lineFrom(input.incidentContact),
    SUPPLIER_LIMITS.incidentContact,
    problems,
    {
      missing: 'Incident contact: say whom to call in an incident (a name, phone, email).',
      field: 'Incident contact',
    },
  );
  const evidenceLink = lineFrom(input.evidenceLink);
  if (
    evidenceLink &&
    (evidenceLink.length > SUPPLIER_LIMITS.evidenceLink || !isHttpsUrl(evidenceLink))
  )
    problems.push(
      `Evidence link: must be an https:// address of at most ${SUPPLIER_LIMITS.evidenceLink} characters.`,
    );
  const nextReview = dateOf(input.nextReview, 'Next review', problems, true);
  if (nextReview && nextReview < options.today && nextReview !== options.keepNextReview)
    problems.push('Next review: the date cannot be in the past.');
  const evidence = evidenceFrom(input, problems);
  if (problems.length) throw new CtacError('validation', 'Please check the supplier.', problems);
  return {
    name,
    supplies,
    orgCodes: orgCodes!,
    criticality: criticality as SupplierCriticality,
    incidentContact,
    evidence,
    ...(evidenceLink ? { evidenceLink } : {}),
    nextReview: nextReview!,
  };
}

function dateOf(
  value: unknown,
  field: string,
  problems: string[],
  required = false,
): CalendarDate | undefined {
  const text = lineFrom(value);
  if (!text) {
    if (required) problems.push(`${field}: give a date, for example 31/03/2027.`);
    return undefined;
  }
  const date = parseCalendarDate(text);
  if (!date) problems.push(`${field}: must be a real date, for example 31/03/2027.`);
  return date;
}

function evidenceFrom(input: SupplierInput, problems: string[]): SupplierEvidence[] {
  const evidence: SupplierEvidence[] = [];
  const statusText = lineFrom(input.dsptStatus);
  const status = statusText && statusText !== 'none' ? parseDsptStatus(statusText) : undefined;
  if (statusText && statusText !== 'none' && !status)
    problems.push('DSPT status: choose standards met, exceeded or not met.');
  const dsptExpires = dateOf(input.dsptExpires, 'DSPT expiry', problems);
  if (status && !dsptExpires && !lineFrom(input.dsptExpires))
    problems.push('DSPT expiry: give the date the DSPT assessment runs out.');
  if (!status && dsptExpires) problems.push('DSPT status: choose the status the expiry is for.');
  if (status && dsptExpires) evidence.push({ kind: 'dspt', expires: dsptExpires, status });
  const iso = dateOf(input.iso27001Expires, 'ISO 27001 expiry', problems);
  if (iso) evidence.push({ kind: 'iso27001', expires: iso });
  const cep = dateOf(input.cyberEssentialsPlusExpires, 'Cyber Essentials Plus expiry', problems);
  if (cep) evidence.push({ kind: 'cyber-essentials-plus', expires: cep });
  return evidence;
}

/** The evidence of a kind, when the supplier has it. */
export const evidenceOf = (
  supplier: Pick<Supplier, 'evidence'>,
  kind: EvidenceKind,
): SupplierEvidence | undefined => supplier.evidence.find((e) => e.kind === kind);

/** The form's values from a saved supplier. */
export function supplierInputOf(s: Supplier): Record<keyof SupplierInput, string> {
  const dspt = evidenceOf(s, 'dspt');
  return {
    name: s.name,
    supplies: s.supplies,
    orgCodes: s.orgCodes.join(','),
    criticality: s.criticality,
    incidentContact: s.incidentContact,
    evidenceLink: s.evidenceLink ?? '',
    nextReview: s.nextReview,
    dsptStatus: dspt?.status ?? '',
    dsptExpires: dspt?.expires ?? '',
    iso27001Expires: evidenceOf(s, 'iso27001')?.expires ?? '',
    cyberEssentialsPlusExpires: evidenceOf(s, 'cyber-essentials-plus')?.expires ?? '',
  };
}

/**
 * Whether a text (an alert's title or summary) mentions the supplier by name: the whole name, on word
 * boundaries, ignoring case ("Acme" does not match "Acmeware").
 */
export function mentionsSupplier(text: string, supplier: Pick<Supplier, 'name'>): boolean {
  const name = supplier.name.trim().toLowerCase();
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}
