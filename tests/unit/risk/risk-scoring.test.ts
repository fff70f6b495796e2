import {
  bandForScore,
  bandLabel,
  DEFAULT_RISK_BANDS,
  defineRiskBands,
  POSSIBLE_SCORES,
  riskScore,
} from '../../../src/domain/risk/risk-bands';
import {
  consequenceLabel,
  likelihoodLabel,
  parseConsequence,
  parseLikelihood,
  type Consequence,
  type Likelihood,
} from '../../../src/domain/risk/risk-scale';
import { caught } from './fixtures';

// The NHS 5x5 matrix, written out by hand: rows are likelihood 1 (rare) to 5 (almost certain), columns are
// consequence 1 (negligible) to 5 (catastrophic).
const MATRIX: ReadonlyArray<ReadonlyArray<[number, string]>> = [
  [
    [1, 'low'],
    [2, 'low'],
    [3, 'low'],
    [4, 'moderate'],
    [5, 'moderate'],
  ],
  [
    [2, 'low'],
    [4, 'moderate'],
    [6, 'moderate'],
    [8, 'high'],
    [10, 'high'],
  ],
  [
    [3, 'low'],
    [6, 'moderate'],
    [9, 'high'],
    [12, 'high'],
    [15, 'extreme'],
  ],
  [
    [4, 'moderate'],
    [8, 'high'],
    [12, 'high'],
    [16, 'extreme'],
    [20, 'extreme'],
  ],
  [
    [5, 'moderate'],
    [10, 'high'],
    [15, 'extreme'],
    [20, 'extreme'],
    [25, 'extreme'],
  ],
];
const CELLS = MATRIX.flatMap((row, l) =>
  row.map(
    ([score, band], c) => [l + 1, c + 1, score, band] as [Likelihood, Consequence, number, string],
  ),
);

describe('risk scoring on the NHS 5x5 matrix', () => {
  test('when the table is written out, then it has all 25 cells', () => {
    expect(CELLS).toHaveLength(25);
  });

  test.each(CELLS)(
    'when likelihood is %i and consequence %i, then the score is %i and the band %s',
    (likelihood, consequence, score, band) => {
      expect(riskScore(likelihood, consequence)).toBe(score);
      expect(bandForScore(score).name).toBe(band);
      expect(bandForScore(riskScore(likelihood, consequence), DEFAULT_RISK_BANDS).name).toBe(band);
    },
  );

  test('when listing the possible scores, then they are exactly the 14 products of 1-5 by 1-5', () => {
    expect(POSSIBLE_SCORES).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]);
  });

  test.each([
    [5, 'almost certain', 'Almost certain (5)'],
    ['1', 'rare', 'Rare (1)'],
    ['Almost-Certain', 'almost certain', 'Almost certain (5)'],
    ['  unlikely ', 'unlikely', 'Unlikely (2)'],
  ])('when the likelihood is given as %p, then it reads as %s', (given, _name, label) => {
    const likelihood = parseLikelihood(given);
    expect(likelihood).toBeDefined();
    expect(likelihoodLabel(likelihood as Likelihood)).toBe(label);
  });

  test.each([[0], [6], [2.5], ['6'], ['very likely'], [null], [undefined], [['3']]])(
    'when the likelihood is %p, then it is not read as one',
    (given) => {
      expect(parseLikelihood(given)).toBeUndefined();
    },
  );

  test.each([
    [1, 'Negligible (1)'],
    ['minor', 'Minor (2)'],
    ['MODERATE', 'Moderate (3)'],
    ['4', 'Major (4)'],
    ['catastrophic', 'Catastrophic (5)'],
  ])('when the consequence is given as %p, then it reads as %s', (given, label) => {
    expect(consequenceLabel(parseConsequence(given) as Consequence)).toBe(label);
  });

  test('when a consequence name is used as a likelihood, then it is not read as one', () => {
    expect(parseLikelihood('major')).toBeUndefined();
    expect(parseConsequence('likely')).toBeUndefined();
  });
});

describe('custom risk bands', () => {
  const threeBands = [
    { name: 'Green', min: 1, max: 4 },
    { name: ' amber ', min: '5', max: '12' },
    { name: 'red', min: 15, max: 25 },
  ];

  test('when an admin sets three bands, then scores fall in them and names are tidied', () => {
    const bands = defineRiskBands(threeBands);
    expect(bands.map((b) => b.name)).toEqual(['green', 'amber', 'red']);
    expect(POSSIBLE_SCORES.map((s) => bandForScore(s, bands).name)).toEqual([
      'green',
      'green',
      'green',
      'green',
      'amber',
      'amber',
      'amber',
      'amber',
      'amber',
      'amber',
      'red',
      'red',
      'red',
      'red',
    ]);
    expect(bandLabel(bandForScore(16, bands))).toBe('Red');
  });

  test('when bands are given out of order, then they come back lowest first', () => {
    const bands = defineRiskBands([...threeBands].reverse());
    expect(bands.map((b) => b.min)).toEqual([1, 5, 15]);
  });

  test('when bands leave gaps only at scores that cannot happen, then they are accepted', () => {
    // The default bands skip 7, 13 and 14; no likelihood times consequence makes them.
    expect(defineRiskBands(DEFAULT_RISK_BANDS.map((b) => ({ ...b })))).toEqual(DEFAULT_RISK_BANDS);
  });

  test('when bands miss, overlap and are badly formed, then every problem is listed at once', () => {
    const error = caught(() =>
      defineRiskBands([
        { name: 'low', min: 1, max: 4 },
        { name: 'low', min: 4, max: 9 },
        { name: 'high', min: 16, max: 25 },
      ]),
    );
    expect(error.code).toBe('validation');
    expect(error.problems).toEqual([
      'Two bands are called "low"; give each band its own name.',
      'No band covers the score(s) 10, 12, 15.',
      'More than one band covers the score(s) 4.',
    ]);
  });

  test('when a band has no name, a fractional end and another runs backwards, then each is reported', () => {
    const error = caught(() =>
      defineRiskBands([
        { name: '', min: 1, max: 3 },
        { name: 'mid', min: 4.5, max: 12 },
        { name: 'top', min: 25, max: 15 },
      ]),
    );
    expect(error.problems).toEqual([
      'Band 1 needs a name of up to 40 characters, for example "high".',
      'Band 2 needs a lowest and highest score, each a whole number from 1 to 25.',
      'Band 3 starts at 25, above where it ends (15).',
    ]);
  });

  test('when no bands are given, then that is refused', () => {
    expect(caught(() => defineRiskBands([])).problems).toEqual(['Give at least one risk band.']);
  });

  test('when a score is outside a hand-made table, then banding it fails loudly', () => {
    expect(caught(() => bandForScore(20, [{ name: 'low', min: 1, max: 3 }])).code).toBe(
      'validation',
    );
  });
});
