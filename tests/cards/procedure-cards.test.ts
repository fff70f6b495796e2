import { readdirSync } from 'fs';
import { join } from 'path';
import {
  procedureFormCard,
  procedureFormValues,
  procedureListCard,
  procedureSavedCard,
  runbookCard,
} from '../../src/cards/procedure-views';
import { TEMPLATES_DIR } from '../../src/cards/render';
import { raiseAlert } from '../../src/domain/alerts';
import {
  normaliseProcedure,
  runbookProgress,
  tickRunbookStep,
  type Procedure,
} from '../../src/domain/procedures';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const procedure: Procedure = {
  id: 'ransomware',
  ...normaliseProcedure({
    name: 'Ransomware',
    source: 'incident',
    severities: 'critical',
    keywords: 'ransomware',
    steps: Array.from(
      { length: 20 },
      (_, i) =>
        `${'Step title '.repeat(10).slice(0, 110)} ${i + 1} | ${'g'.repeat(250)} | https://www.ncsc.gov.uk/${'x'.repeat(200 - 25)}`,
    ).join('\n'),
  }),
  version: 3,
  savedBy: { id: 'lead', name: 'Asha Patel' },
  savedAt: '2026-11-28T09:00:00Z',
};
const alert = raiseAlert(
  { source: 'incident', dedupKey: 'INC-1', title: 'Ransomware at RXC', severity: 'critical' },
  {
    id: 'A1',
    actor: { id: 'api', name: 'MSP', source: 'api' },
    at: new Date('2026-11-28T10:00:00Z'),
  },
).alert;
const ticked = (() => {
  const t = tickRunbookStep(
    alert,
    procedure,
    2,
    { id: 'b', name: 'Ben Okafor', source: 'teams' },
    new Date('2026-07-01T09:15:00Z'),
  );
  if (!t.ok || !('change' in t)) throw new Error('expected a tick');
  return t.change.alert;
})();

const samples = {
  'procedure-form': () =>
    procedureFormCard({
      editing: procedure,
      values: procedureFormValues(procedure),
      problems: ['Step 1: the link must be an https:// address of at most 300 characters.'],
    }),
  'procedure-list': () => procedureListCard([procedure, procedure], { canEdit: true }),
  runbook: () =>
    runbookCard(ticked, runbookProgress(ticked, procedure), {
      text: 'Step 2 ticked',
      style: 'good',
    }),
};

describe('procedure cards', () => {
  test('when a template is added, then it has a sample here', () => {
    expect(
      readdirSync(join(TEMPLATES_DIR, 'procedures'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    ).toEqual(Object.keys(samples).sort());
  });

  test.each(Object.entries(samples))(
    'when %s is expanded with the longest procedure, then it is a valid card under 28 KB',
    (_, make) => {
      const card = make();
      expect(validateCard(card)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    },
  );

  test('when a step is ticked, then the checklist shows who and when (UK time), the progress, and Tick buttons only on the rest', () => {
    const card = runbookCard(ticked, runbookProgress(ticked, procedure));
    const text = cardText(card);
    expect(text).toContain('1 of 20 steps done');
    expect(text).toContain('Ticked by Ben Okafor, 1 Jul 2026, 10:15');
    const json = JSON.stringify(card);
    expect(json.match(/"verb":"runbook.tick"/g)).toHaveLength(19 * 2);
    expect(json).toContain('"procedureId":"ransomware","version":3,"step":1');
    expect(json).not.toContain('"step":2}');
  });

  test('when a lead saves a version, then the card names it and lists its steps', () => {
    const text = cardText(procedureSavedCard({ ...procedure, steps: procedure.steps.slice(0, 2) }));
    expect(text).toContain('Saved: Ransomware, version 3');
    expect(text).toContain(
      'For incidents, critical, about ransomware. 2 steps; saved by Asha Patel on 28 Nov 2026.',
    );
  });
});
