import { CtacError } from '../shared/errors';
import type { Consequence, Likelihood } from './risk-scale';

/** A named range of scores, both ends included. */
export interface RiskBand {
  name: string;
  min: number;
  max: number;
}

/** Bands in ascending order that between them cover every possible score exactly once. */
export type RiskBandTable = readonly RiskBand[];

/** The NHS 5x5 matrix: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme. */
export const DEFAULT_RISK_BANDS: RiskBandTable = Object.freeze([
  { name: 'low', min: 1, max: 3 },
  { name: 'moderate', min: 4, max: 6 },
  { name: 'high', min: 8, max: 12 },
  { name: 'extreme', min: 15, max: 25 },
]);

/** The only scores a 5x5 matrix can produce (7, 11, 13, 14... cannot happen). */
export const POSSIBLE_SCORES: readonly number[] = Object.freeze(
  [...new Set([1, 2, 3, 4, 5].flatMap((l) => [1, 2, 3, 4, 5].map((c) => l * c)))].sort(
    (a, b) => a - b,
  ),
);

/** Likelihood times consequence: 1 to 25. */
export const riskScore = (likelihood: Likelihood, consequence: Consequence): number =>
  likelihood * consequence;

/** The band a score falls in. Throws if the table leaves it out, which `defineRiskBands` prevents. */
export function bandForScore(score: number, bands: RiskBandTable = DEFAULT_RISK_BANDS): RiskBand {
  const band = bands.find((b) => score >= b.min && score <= b.max);
  if (!band) throw new CtacError('validation', `The risk bands do not cover a score of ${score}.`);
  return band;
}

/** "Extreme": the band name as people read it. */
export const bandLabel = (band: Pick<RiskBand, 'name'> | string): string => {
  const name = typeof band === 'string' ? band : band.name;
  return name.charAt(0).toUpperCase() + name.slice(1);
};

export interface RiskBandInput {
  name?: unknown;
  min?: unknown;
  max?: unknown;
}

/**
 * Checks bands an admin set, collecting every problem at once: each needs a name and whole-number ends
 * between 1 and 25, names are unique, and every possible score falls in exactly one band.
 * Returns them sorted from lowest to highest.
 */
export function defineRiskBands(input: readonly RiskBandInput[]): RiskBandTable {
  const problems: string[] = [];
  if (input.length === 0) problems.push('Give at least one risk band.');
  const bands: RiskBand[] = [];
  input.forEach((raw, index) => {
    const which = `Band ${index + 1}`;
    const name =
      typeof raw.name === 'string' ? raw.name.replace(/\s+/g, ' ').trim().toLowerCase() : '';
    const min = typeof raw.min === 'string' && raw.min.trim() !== '' ? Number(raw.min) : raw.min;
    const max = typeof raw.max === 'string' && raw.max.trim() !== '' ? Number(raw.max) : raw.max;
    const wholeScore = (n: unknown): n is number =>
      typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 25;
    let ok = true;
    if (!name || name.length > 40) {
      problems.push(`${which} needs a name of up to 40 characters, for example "high".`);
      ok = false;
    }
    if (!wholeScore(min) || !wholeScore(max)) {
      problems.push(`${which} needs a lowest and highest score, each a whole number from 1 to 25.`);
      ok = false;
    } else if (min > max) {
      problems.push(`${which} starts at ${min}, above where it ends (${max}).`);
      ok = false;
    }
    if (ok) bands.push({ name, min: min as number, max: max as number });
  });
  const names = bands.map((b) => b.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problems.push(`Two bands are called "${name}"; give each band its own name.`);
  if (bands.length > 0 && bands.length === input.length) {
    const uncovered = POSSIBLE_SCORES.filter((s) => !bands.some((b) => s >= b.min && s <= b.max));
    const doubled = POSSIBLE_SCORES.filter(
      (s) => bands.filter((b) => s >= b.min && s <= b.max).length > 1,
    );
    if (uncovered.length) problems.push(`No band covers the score(s) ${uncovered.join(', ')}.`);
    if (doubled.length)
      problems.push(`More than one band covers the score(s) ${doubled.join(', ')}.`);
  }
  if (problems.length) throw new CtacError('validation', 'Please check the risk bands.', problems);
  return Object.freeze(bands.sort((a, b) => a.min - b.min));
}
