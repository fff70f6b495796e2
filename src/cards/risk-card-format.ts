/** Formatting the risk and decision cards share: organisation names and UK dates. */
import type { Organisation } from '../domain/people/organisation';
import { formatUkDate } from '../domain/shared/time';

export type OrgNames = Readonly<Record<string, string>>;
export const orgNamesOf = (orgs: readonly Organisation[]): OrgNames =>
  Object.fromEntries(orgs.map((o) => [o.code, o.name]));

export const org = (code: string, names: OrgNames) =>
  names[code] ? `${names[code]} (${code})` : code;
export const ukDay = (calendarDate: string) => formatUkDate(`${calendarDate}T12:00:00Z`);

/** A stored date (2026-12-16) in a form field as people in the UK type it (16/12/2026); typed text stays. */
export const dateField = (value: string | undefined): string => {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : (value ?? '');
};
