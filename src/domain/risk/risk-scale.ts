/** How likely a risk is to happen, on the NHS 5x5 scale. */
export type Likelihood = 1 | 2 | 3 | 4 | 5;

/** How bad it would be if it happened, on the NHS 5x5 scale. */
export type Consequence = 1 | 2 | 3 | 4 | 5;

export const LIKELIHOOD_NAMES: Readonly<Record<Likelihood, string>> = {
  1: 'rare',
  2: 'unlikely',
  3: 'possible',
  4: 'likely',
  5: 'almost certain',
};

export const CONSEQUENCE_NAMES: Readonly<Record<Consequence, string>> = {
  1: 'negligible',
  2: 'minor',
  3: 'moderate',
  4: 'major',
  5: 'catastrophic',
};

const LEVELS = [1, 2, 3, 4, 5] as const;

function parseLevel(value: unknown, names: Readonly<Record<1 | 2 | 3 | 4 | 5, string>>) {
  if (typeof value === 'number') return LEVELS.find((level) => level === value);
  if (typeof value !== 'string') return undefined;
  const text = value
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ');
  if (/^[1-5]$/.test(text)) return Number(text) as 1 | 2 | 3 | 4 | 5;
  return LEVELS.find((level) => names[level] === text);
}

/** Reads 1-5 as a number or text, or a name such as "almost certain"; undefined otherwise. */
export const parseLikelihood = (value: unknown): Likelihood | undefined =>
  parseLevel(value, LIKELIHOOD_NAMES);

/** Reads 1-5 as a number or text, or a name such as "catastrophic"; undefined otherwise. */
export const parseConsequence = (value: unknown): Consequence | undefined =>
  parseLevel(value, CONSEQUENCE_NAMES);

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** "Almost certain (5)". */
export const likelihoodLabel = (likelihood: Likelihood): string =>
  `${capitalise(LIKELIHOOD_NAMES[likelihood])} (${likelihood})`;

/** "Catastrophic (5)". */
export const consequenceLabel = (consequence: Consequence): string =>
  `${capitalise(CONSEQUENCE_NAMES[consequence])} (${consequence})`;
