import type { TableClient } from '@azure/data-tables';
import { isNotFound } from './tables';

/*
 * The rota's tables and what their repositories share. One table per aggregate; instants are stored as
 * ISO 8601 UTC strings, which sort as they compare, so range filters work on them. Each table's key layout
 * is beside its repository: rota-repositories.ts (rotations, overrides, leave), rota-swap-repository.ts,
 * rota-job-claims.ts and calendar-link-repository.ts.
 * The rota is small (a few rotations, tens of overrides and leave entries a month), so one partition
 * per kind is right; listings filter on time inside it.
 */
export const ROTA_TABLES = {
  rotations: 'RotaRotations',
  overrides: 'RotaOverrides',
  leave: 'RotaLeave',
  swaps: 'RotaSwaps',
  claims: 'RotaJobClaims',
  calendarLinks: 'RotaCalendarLinks',
} as const;

export const iso = (d: Date): string => d.toISOString();
export const date = (s: string): Date => new Date(s);

export async function deleteIfPresent(
  client: TableClient,
  pk: string,
  rk: string,
): Promise<boolean> {
  try {
    await client.deleteEntity(pk, rk);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
