import type { Organisation } from '../../domain/people/organisation';

/** Organisation names by code, for the views that show a name beside a code. */
export type OrgNames = Readonly<Record<string, string>>;
export const orgNames = (orgs: readonly Organisation[]): OrgNames =>
  Object.fromEntries(orgs.map((o) => [o.code, o.name]));
