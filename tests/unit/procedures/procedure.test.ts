import { raiseAlert, type Alert, type IncomingAlert } from '../../../src/domain/alerts';
import {
  normaliseProcedure,
  parseSteps,
  procedureForAlert,
  procedureIdFrom,
  proceduresMarkdown,
  progressText,
  runbookProgress,
  stepsText,
  tickRunbookStep,
  type Procedure,
  type ProcedureInput,
} from '../../../src/domain/procedures';
import { CtacError } from '../../../src/domain/shared/errors';

const input = (over: Partial<ProcedureInput> = {}): ProcedureInput => ({
  name: 'Ransomware',
  source: 'incident',
  severities: 'critical, high',
  keywords: 'Ransomware, encrypted',
  steps: [
    '1. Isolate affected hosts | Pull the network cable; do not power off | https://www.ncsc.gov.uk/ransomware',
    '2. Tell the on-call lead | Phone, then Teams',
    'Preserve evidence',
  ].join('\n'),
  ...over,
});

const problemsOf = (over: Partial<ProcedureInput>): string[] => {
  try {
    normaliseProcedure(input(over));
  } catch (e) {
    expect(e).toBeInstanceOf(CtacError);
    return (e as CtacError).problems;
  }
  throw new Error('expected a validation error');
};

const procedure = (over: Partial<Procedure> = {}): Procedure => ({
  id: 'ransomware',
  ...normaliseProcedure(input()),
  version: 2,
  savedBy: { id: 'lead-1', name: 'Asha Patel' },
  savedAt: '2026-11-28T09:00:00Z',
  ...over,
});

const alertOf = (over: Partial<IncomingAlert> = {}): Alert =>
  raiseAlert(
    {
      source: 'incident',
      dedupKey: 'INC-1',
      title: 'Ransomware at RXC: files encrypted',
      severity: 'critical',
      summary: 'Several servers',
      ...over,
    },
    {
      id: 'A1',
      actor: { id: 'api', name: 'MSP', source: 'api' },
      at: new Date('2026-11-28T10:00:00Z'),
    },
  ).alert;

const ben = { id: 'ben', name: 'Ben Okafor', source: 'teams' as const };
const cara = { id: 'cara', name: 'Cara Jones', source: 'teams' as const };

describe('procedure validation', () => {
  test('when steps are typed one a line as "title | guidance | link", then numbering is dropped and the parts are read', () => {
    const p = normaliseProcedure(input());
    expect(p.name).toBe('Ransomware');
    expect(p.appliesTo).toEqual({
      source: 'incident',
      severities: ['critical', 'high'],
      keywords: ['ransomware', 'encrypted'],
    });
    expect(p.steps).toEqual([
      {
        title: 'Isolate affected hosts',
        guidance: 'Pull the network cable; do not power off',
        link: 'https://www.ncsc.gov.uk/ransomware',
      },
      { title: 'Tell the on-call lead', guidance: 'Phone, then Teams' },
      { title: 'Preserve evidence', guidance: '' },
    ]);
    expect(parseSteps(stepsText(p.steps), [])).toEqual(p.steps);
  });

  test('when a link is not https, a title is missing or too long and the severity unknown, then every problem is listed at once', () => {
    const problems = problemsOf({
      name: '',
      severities: 'urgent',
      steps: [
        'Isolate | guidance | http://example.org',
        ' | only guidance',
        `${'x'.repeat(121)} | long`,
        'Call | g | javascript:alert(1)',
        'Too | many | https://a.example | parts',
      ].join('\n'),
    });
    expect(problems).toEqual([
      'Name: give the procedure a name, such as "Ransomware".',
      'Severities: "urgent" is not one of critical, high, medium, low, information.',
      'Step 1: the link must be an https:// address of at most 200 characters.',
      'Step 2: say what to do before the first "|".',
      'Step 3: the title must be at most 120 characters.',
      'Step 4: the link must be an https:// address of at most 200 characters.',
      'Step 5: use "title | guidance | link": there are too many "|" on the line.',
    ]);
  });

  test('when there are no steps or too many, then that is a problem', () => {
    expect(problemsOf({ steps: '\n  \n' })).toEqual(['Steps: give at least one step, one a line.']);
    expect(
      problemsOf({ steps: Array.from({ length: 21 }, (_, i) => `Step ${i}`).join('\n') }),
    ).toEqual(['Steps: a procedure has at most 20 steps (this has 21).']);
    expect(problemsOf({ steps: `A | ${'g'.repeat(251)}` })).toEqual([
      'Step 1: the guidance must be at most 250 characters.',
    ]);
  });

  test('ids come from names', () => {
    expect(procedureIdFrom('Critical HSA')).toBe('critical-hsa');
    expect(procedureIdFrom('  Supplier compromise / Café ')).toBe('supplier-compromise-cafe');
  });
});

describe('which procedure an alert uses', () => {
  const general = procedure({
    id: 'general',
    name: 'General incident',
    appliesTo: { source: 'any', severities: [], keywords: [] },
  });
  const ransomware = procedure();
  const criticalHsa = procedure({
    id: 'critical-hsa',
    name: 'Critical HSA',
    appliesTo: { source: 'hsa', severities: ['high', 'critical'], keywords: [] },
  });
  const all = [general, ransomware, criticalHsa];

  test.each([
    ['a critical ransomware incident', alertOf(), 'ransomware'],
    ['a phishing incident', alertOf({ title: 'Phishing campaign' }), 'general'],
    ['a low ransomware incident (outside its severities)', alertOf({ severity: 'low' }), 'general'],
    [
      'a High HSA',
      alertOf({ source: 'hsa', dedupKey: 'CC-4719', title: 'Citrix flaw', severity: 'High' }),
      'critical-hsa',
    ],
    [
      'a word inside another word does not count',
      alertOf({ title: 'Unencrypted backups' }),
      'general',
    ],
  ])('%s uses its procedure', (_name, alert, id) => {
    expect(procedureForAlert(alert, all)?.id).toBe(id);
  });

  test('when none fits, then there is none', () => {
    expect(procedureForAlert(alertOf({ title: 'Phishing' }), [ransomware])).toBeUndefined();
  });
});

describe('runbook checklist', () => {
  test('when two people tick steps, then each tick is an event with the version and progress counts them once', () => {
    const p = procedure();
    let alert = alertOf();
    const first = tickRunbookStep(alert, p, 1, ben, new Date('2026-11-28T10:05:00Z'));
    if (!first.ok || !('change' in first)) throw new Error('expected a tick');
    expect(first.change.event).toMatchObject({
      kind: 'runbook.step',
      procedureId: 'ransomware',
      procedureName: 'Ransomware',
      version: 2,
      step: 1,
      stepTitle: 'Isolate affected hosts',
      actor: ben,
      at: '2026-11-28T10:05:00.000Z',
    });
    alert = first.change.alert;
    const again = tickRunbookStep(alert, p, 1, cara, new Date('2026-11-28T10:06:00Z'));
    expect(again).toEqual({
      ok: true,
      already: { step: 1, by: ben, at: '2026-11-28T10:05:00.000Z' },
    });
    const third = tickRunbookStep(alert, p, 3, cara, new Date('2026-11-28T10:07:00Z'));
    if (!third.ok || !('change' in third)) throw new Error('expected a tick');
    const progress = runbookProgress(third.change.alert, p);
    expect(progressText(progress)).toBe('2 of 3 steps');
    expect([...progress.ticks.keys()]).toEqual([1, 3]);
    // Another version's ticks are not this version's.
    expect(runbookProgress(third.change.alert, { ...p, version: 3 }).done).toBe(0);
  });

  test.each([0, 4, 1.5, Number.NaN])(
    'when step %p is not in the version, then it is refused',
    (step) => {
      const outcome = tickRunbookStep(alertOf(), procedure(), step, ben, new Date());
      expect(outcome.ok).toBe(false);
      expect(outcome).toMatchObject({
        message: expect.stringContaining('Ransomware (version 2) has no step'),
      });
    },
  );
});

describe('export', () => {
  test('the procedures are one Markdown document with versions, UK dates and links, and typed text is not markup', () => {
    const doc = proceduresMarkdown(
      [procedure({ name: 'Ransomware <b>#1</b>' })],
      new Date('2026-07-01T08:30:00Z'),
    );
    expect(doc).toContain('# CTAC operating procedures');
    expect(doc).toContain('Exported 1 Jul 2026');
    expect(doc).toContain('## Ransomware \\<b\\>\\#1\\</b\\>');
    expect(doc).toContain(
      'Version 2, saved by Asha Patel on 28 Nov 2026. For incidents, critical or high, about ransomware or encrypted.',
    );
    expect(doc).toContain(
      '1. **Isolate affected hosts**: Pull the network cable; do not power off ([more](<https://www.ncsc.gov.uk/ransomware>))',
    );
    expect(doc).toContain('3. **Preserve evidence**');
  });
});
