import { alertCard } from '../../src/cards/alerts';
import { raiseAlert, type Alert } from '../../src/domain/alerts';
import {
  flagRegulatoryClock,
  recordRegulatoryReport,
  remindRegulatoryClock,
} from '../../src/domain/alerts/regulatory-clocks';
import type { Actor } from '../../src/domain/shared/actor';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

/* Issue 21: the alert card's reporting clocks: the line while running, the buttons, the report form. */
const asha: Actor = { id: 'asha', name: 'Asha Patel', source: 'teams' };
const alert = raiseAlert(
  {
    source: 'incident',
    dedupKey: 'INC-8',
    title: 'Ransomware at the trust',
    severity: 'critical',
    organisations: ['RXC', 'ESCC'],
  },
  { id: 'A8', actor: asha, at: new Date('2026-12-02T08:00:00Z') },
).alert;
const flag = (a: Alert, kind: 'nis' | 'ico', at: string): Alert => {
  const o = flagRegulatoryClock(a, kind, ['RXC'], asha, new Date(at));
  if (!('change' in o)) throw new Error('not flagged');
  return o.change.alert;
};

/** Every Action.Execute on a card (anywhere inside it), by title. */
function executes(card: object): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['type'] === 'Action.Execute') found.set(String(o['title']), o['data'] as never);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe('reporting clocks on the alert card', () => {
  test('when an organisation of the alert is an operator of essential services, then both flag buttons show', () => {
    const card = alertCard(alert, { regulatory: { essentialOrgs: ['RXC'] } });
    const buttons = executes(card);
    expect(buttons.get('Possibly reportable under NIS')).toEqual({
      verb: 'regulatory.flag',
      alertId: 'A8',
      clock: 'nis',
    });
    expect(buttons.get('Personal data breach')).toEqual({
      verb: 'regulatory.flag',
      alertId: 'A8',
      clock: 'ico',
    });
    expect(validateCard(card)).toEqual([]);
  });

  test('when none of its organisations is an operator of essential services, then only the data breach button shows', () => {
    const buttons = executes(alertCard(alert, { regulatory: { essentialOrgs: [] } }));
    expect(buttons.has('Possibly reportable under NIS')).toBe(false);
    expect(buttons.has('Personal data breach')).toBe(true);
    // Without what the card needs to decide, neither shows (and no empty section).
    const bare = alertCard(alert);
    expect(executes(bare).has('Personal data breach')).toBe(false);
    expect(cardText(bare)).not.toContain('Reporting clocks');
  });

  test('when the NIS clock runs, then the card shows its line and a Record report form, and no NIS button', () => {
    const flagged = flag(alert, 'nis', '2026-12-02T09:00:00Z');
    const card = alertCard(flagged, {
      regulatory: { essentialOrgs: ['RXC'], now: '2026-12-03T06:00:00.000Z' },
    });
    const text = cardText(card);
    expect(text).toContain('NIS: 51 hours left (due 5 Dec 2026, 09:00)');
    expect(text).toContain('Asha Patel flagged it as possibly reportable under NIS');
    const buttons = executes(card);
    expect(buttons.has('Possibly reportable under NIS')).toBe(false);
    expect(buttons.get('Record report')).toEqual({
      verb: 'regulatory.report',
      alertId: 'A8',
      clock: 'nis',
    });
    expect(JSON.stringify(card)).toContain('"title":"Record report (NIS)"');
    expect(JSON.stringify(card)).toContain('"value":"03/12/2026"');
    expect(validateCard(card)).toEqual([]);
  });

  test('when the report is recorded, then the line says it was reported with its reference and the form goes', () => {
    let a = flag(alert, 'nis', '2026-12-02T09:00:00Z');
    a = remindRegulatoryClock(
      a,
      'nis',
      24,
      [{ id: 'l', name: 'Lena Lead' }],
      { id: 'job:x', name: 'regulatory-clocks', source: 'job' },
      new Date('2026-12-03T09:00:00Z'),
    ).alert;
    a = recordRegulatoryReport(
      a,
      'nis',
      { date: '2026-12-03', time: '10:15', reference: 'NCSC-42' },
      asha,
      new Date('2026-12-03T11:00:00Z'),
    ).alert;
    const card = alertCard(a, {
      regulatory: { essentialOrgs: ['RXC'], now: '2026-12-03T11:00:00.000Z' },
    });
    const text = cardText(card);
    expect(text).toContain(
      'NIS: reported to the competent authority at 3 Dec 2026, 10:15, reference NCSC-42.',
    );
    expect(text).toContain('NIS reminder at 24 hours sent to Lena Lead');
    expect(text).toContain('Asha Patel recorded the NIS report to the competent authority');
    expect(executes(card).has('Record report')).toBe(false);
    expect(executes(card).has('Personal data breach')).toBe(true);
  });
});
