import type { IdGenerator } from '../../domain/shared/ids';

/**
 * Short references people can say in a meeting and type: `R-3F9A2C1B` for a risk, `D-0B47E2AA` for a
 * decision. Eight hex digits of a fresh id; the repositories refuse a reference already taken, and the use
 * case then draws another.
 */
export const shortRef = (prefix: 'R' | 'D', ids: IdGenerator): string =>
  `${prefix}-${ids
    .next()
    .replace(/[^0-9a-f]/gi, '')
    .slice(0, 8)
    .toUpperCase()}`;

/** How many times a use case tries again after a lost race or a taken reference. */
export const ATTEMPTS = 3;
