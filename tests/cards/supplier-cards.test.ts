import { readdirSync } from 'fs';
import { join } from 'path';
import { TEMPLATES_DIR } from '../../src/cards/render';
import {
  dsptStatusesCard,
  supplierCard,
  supplierFormCard,
  supplierFormValues,
  supplierListCard,
  supplierReminderCard,
} from '../../src/cards/supplier-views';
import { raiseAlert } from '../../src/domain/alerts';
import type { Organisation } from '../../src/domain/people/organisation';
import type { Supplier } from '../../src/domain/suppliers';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const orgs: Organisation[] = Array.from({ length: 30 }, (_, i) => ({
  code: `ORG${i}`,
  name: `Organisation number ${i} NHS Foundation Trust`,
  isOes: false,
  createdAt: '2026-11-01T09:00:00Z',
  createdBy: 'test',
}));
const names = Object.fromEntries(orgs.map((o) => [o.code, o.name]));
const supplier: Supplier = {
  id: 'acme-pathology',
  name: 'Acme Pathology'.padEnd(120, 'x'),
  supplies: 'LIMS '.repeat(60).trim(),
  orgCodes: orgs.map((o) => o.code),
  criticality: 'critical',
  incidentContact: 'Service desk '.repeat(15).trim(),
  evidence: [
    { kind: 'dspt', status: 'not-met', expires: '2026-12-01' },
    { kind: 'iso27001', expires: '2026-12-10' },
    { kind: 'cyber-essentials-plus', expires: '2027-12-10' },
  ],
  evidenceLink: 'https://example.nhs.uk/acme',
  nextReview: '2026-12-20',
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: { id: 'a', name: 'Asha Patel' },
  updatedAt: '2026-12-01T09:00:00Z',
  updatedBy: { id: 'c', name: 'Cara Jones' },
};
const today = '2026-12-03';
const alert = raiseAlert(
  { source: 'incident', dedupKey: 'INC-1', title: 'Acme Pathology outage', severity: 'high' },
  {
    id: 'A1',
    actor: { id: 'api', name: 'MSP', source: 'api' },
    at: new Date('2026-12-03T08:00:00Z'),
  },
).alert;

const samples = {
  'supplier-form': () =>
    supplierFormCard({
      organisations: orgs,
      editing: { supplier, etag: 'W/"1"' },
      values: supplierFormValues(supplier),
      problems: ['Name: give the supplier’s name.'],
    }),
  'supplier-list': () =>
    supplierListCard(Array(20).fill(supplier) as Supplier[], { canEdit: true, today, names }),
  'supplier-detail': () =>
    supplierCard({ supplier, today, names, canEdit: true, risks: [], alerts: [alert] }),
  'dspt-statuses': () =>
    dsptStatusesCard({
      organisations: orgs,
      statuses: new Map([
        [
          'ORG1',
          {
            orgCode: 'ORG1',
            status: 'met',
            assessedOn: '2026-06-30',
            recordedAt: '2026-12-03T09:00:00Z',
            recordedBy: { id: 'a', name: 'Asha Patel' },
          },
        ],
      ]),
    }),
};

describe('supplier cards', () => {
  test('when a template is added, then it has a sample here', () => {
    expect(
      readdirSync(join(TEMPLATES_DIR, 'suppliers'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    ).toEqual(Object.keys(samples).sort());
  });

  test.each(Object.entries(samples))(
    'when %s is expanded with the longest supplier, then it is a valid card under 28 KB',
    (_, make) => {
      const card = make();
      expect(validateCard(card)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    },
  );

  test('the list flags what falls due within 30 days, and the page its evidence, risks and alerts', () => {
    const s = { ...supplier, name: 'Acme Pathology', orgCodes: ['ORG1'] };
    const list = cardText(supplierListCard([s], { canEdit: false, today, names }));
    expect(list).toContain('Acme Pathology · Critical');
    expect(list).toContain('DSPT ran out 1 Dec 2026 (2 days ago)');
    expect(list).toContain('ISO 27001 runs out 10 Dec 2026 (in 7 days)');
    expect(list).toContain('Review due 20 Dec 2026 (in 17 days)');
    expect(list).not.toContain('Cyber Essentials Plus');
    expect(JSON.stringify(supplierListCard([s], { canEdit: false, today, names }))).not.toContain(
      'supplier edit',
    );
    const page = cardText(
      supplierCard({ supplier: s, today, names, canEdit: false, risks: [], alerts: [alert] }),
    );
    expect(page).toContain('DSPT: Standards not met, ran out 1 Dec 2026 (2 days ago)');
    expect(page).toContain('Organisation number 1 NHS Foundation Trust (ORG1)');
    expect(page).toContain('Open risks naming it (0)');
    expect(page).toContain('A1: Acme Pathology outage (high, triggered)');
  });

  test('a reminder names what falls due and when', () => {
    const text = cardText(
      supplierReminderCard(
        { ...supplier, name: 'Acme' },
        {
          supplierId: 'acme-pathology',
          supplierName: 'Acme',
          what: 'iso27001',
          due: '2026-12-10',
          window: 7,
          daysLeft: 7,
        },
        today,
        names,
      ),
    );
    expect(text).toContain('Acme: the ISO 27001 assurance falls due in 7 days, on 10 Dec 2026.');
  });
});
