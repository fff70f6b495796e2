import {
  dueSupplierReminders,
  dueWithin,
  mentionsSupplier,
  normaliseSupplier,
  parseDsptCommand,
  parseDsptStatus,
  supplierIdFrom,
  type NormaliseSupplierOptions,
  type Supplier,
  type SupplierInput,
} from '../../../src/domain/suppliers';
import { CtacError } from '../../../src/domain/shared/errors';

const options = { organisationCodes: ['RXC', 'ESCC'], today: '2026-12-03' };
const input = (over: Partial<SupplierInput> = {}): SupplierInput => ({
  name: 'Acme Pathology',
  supplies: 'Pathology system, hosted',
  orgCodes: 'RXC,ESCC',
  criticality: 'critical',
  incidentContact: 'Service desk 0800 000 000',
  nextReview: '31/03/2027',
  ...over,
});
const problemsOf = (
  over: Partial<SupplierInput>,
  opts: NormaliseSupplierOptions = options,
): string[] => {
  try {
    normaliseSupplier(input(over), opts);
  } catch (e) {
    return (e as CtacError).problems;
  }
  return [];
};

describe('a supplier on the register', () => {
  test('when the form is complete, then it is tidied into the supplier', () => {
    expect(
      normaliseSupplier(
        input({
          orgCodes: 'rxc, RXC',
          dsptStatus: 'met',
          dsptExpires: '2027-06-30',
          iso27001Expires: '01/02/2027',
          evidenceLink: 'https://example.nhs.uk/acme',
        }),
        options,
      ),
    ).toEqual({
      name: 'Acme Pathology',
      supplies: 'Pathology system, hosted',
      orgCodes: ['RXC'],
      criticality: 'critical',
      incidentContact: 'Service desk 0800 000 000',
      evidenceLink: 'https://example.nhs.uk/acme',
      nextReview: '2027-03-31',
      evidence: [
        { kind: 'dspt', expires: '2027-06-30', status: 'met' },
        { kind: 'iso27001', expires: '2027-02-01' },
      ],
    });
  });

  test.each([
    [{ name: '' }, 'Name: give'],
    [{ name: 'x'.repeat(121) }, 'Name must be at most 120'],
    [{ supplies: '' }, 'Supplies: say'],
    [{ orgCodes: '' }, 'at least one organisation'],
    [{ orgCodes: 'RXC,FORGED' }, 'FORGED is not an organisation in CTAC'],
    [{ orgCodes: [1] }, 'choose them from the list'],
    [{ criticality: 'urgent' }, 'Criticality'],
    [{ incidentContact: '' }, 'Incident contact: say'],
    [{ evidenceLink: 'http://example.com' }, 'Evidence link'],
    [{ evidenceLink: 'javascript:alert(1)' }, 'Evidence link'],
    [{ nextReview: '' }, 'Next review: give'],
    [{ nextReview: '31/02/2027' }, 'Next review: must be a real date'],
    [{ nextReview: '02/12/2026' }, 'cannot be in the past'],
    [{ dsptStatus: 'met' }, 'DSPT expiry'],
    [{ dsptExpires: '2027-01-01' }, 'DSPT status: choose the status'],
    [{ dsptStatus: 'approaching' }, 'DSPT status: choose standards'],
    [{ iso27001Expires: 'soon' }, 'ISO 27001 expiry'],
  ])('when %j, then the problem says so', (over, problem) => {
    expect(problemsOf(over as Partial<SupplierInput>).join('\n')).toContain(problem);
  });

  test('when several fields are wrong, then every problem is listed at once', () => {
    expect(problemsOf({ name: '', supplies: '', criticality: '' })).toHaveLength(3);
  });

  test('when an edit keeps a review date that has passed, then it is allowed', () => {
    expect(
      problemsOf({ nextReview: '2026-11-30' }, { ...options, keepNextReview: '2026-11-30' }),
    ).toEqual([]);
  });

  test('a name gives a stable id', () => {
    expect(supplierIdFrom('  Acmé Pathology Ltd. ')).toBe('acme-pathology-ltd');
  });

  test('an alert mentions a supplier by its whole name, ignoring case', () => {
    const acme = { name: 'Acme Pathology' };
    expect(mentionsSupplier('Ransomware at ACME pathology: LIMS down', acme)).toBe(true);
    expect(mentionsSupplier('Acme Pathologyware update', acme)).toBe(false);
    expect(mentionsSupplier('Acme', acme)).toBe(false);
  });
});

describe('what falls due', () => {
  const supplier = (nextReview: string, expires?: string): Supplier => ({
    id: 'acme',
    name: 'Acme',
    supplies: 'x',
    orgCodes: ['RXC'],
    criticality: 'high',
    incidentContact: 'x',
    evidence: expires ? [{ kind: 'iso27001', expires }] : [],
    nextReview,
    addedAt: '',
    addedBy: { id: '', name: '' },
    updatedAt: '',
    updatedBy: { id: '', name: '' },
  });

  test.each([
    ['2027-01-02', 30],
    ['2026-12-11', 30],
    ['2026-12-10', 7],
    ['2026-12-03', 7],
  ])('when the review is on %s, then it falls in the %i-day window', (date, window) => {
    expect(dueSupplierReminders([supplier(date)], '2026-12-03')).toEqual([
      expect.objectContaining({ what: 'review', due: date, window }),
    ]);
  });

  test.each(['2027-01-03', '2026-12-02'])(
    'when the review is on %s (more than 30 days away, or past), then nothing is reminded',
    (date) => {
      expect(dueSupplierReminders([supplier(date)], '2026-12-03')).toEqual([]);
    },
  );

  test('an expiry is reminded like a review, and both show as due within 30 days', () => {
    const s = supplier('2027-06-01', '2026-12-20');
    expect(dueSupplierReminders([s], '2026-12-03')).toEqual([
      expect.objectContaining({ what: 'iso27001', window: 30, daysLeft: 17 }),
    ]);
    expect(dueWithin([s], '2026-12-03', 30).map((i) => i.what)).toEqual(['iso27001']);
  });
});

describe('DSPT status', () => {
  test.each([
    ['standards met', 'met'],
    ['Standards Exceeded', 'exceeded'],
    ['not met', 'not-met'],
    ['standards not-met', 'not-met'],
    ['approaching standards', undefined],
  ])('"%s" reads as %s', (text, status) => {
    expect(parseDsptStatus(text)).toBe(status);
  });

  test('the command takes an organisation first (admins) and a date last', () => {
    expect(parseDsptCommand('standards met')).toEqual({ status: 'met' });
    expect(parseDsptCommand('exceeded 31/03/2026')).toEqual({
      status: 'exceeded',
      assessedOn: '2026-03-31',
    });
    expect(parseDsptCommand('rxc not met 2026-06-30')).toEqual({
      orgCode: 'RXC',
      status: 'not-met',
      assessedOn: '2026-06-30',
    });
    expect(() => parseDsptCommand('great')).toThrow(CtacError);
    expect(() => parseDsptCommand('met 31/02/2026')).toThrow(CtacError);
  });
});
