import { addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Issue 20: the critical supplier register in the Playground. Asha (the first admin, so a lead) adds Acme
 * Pathology with `supplier add` and sees it listed by `suppliers`; she raises a risk naming the supplier, the
 * risk card shows the supplier, and the supplier's card (`supplier acme pathology`) lists the risk.
 */
const { personalChat, users } = PLAYGROUND;
let stack: E2eStack;

beforeAll(async () => {
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const nextYear = new Date().getUTCFullYear() + 1;

test('when a lead adds a supplier and a risk names it, then `suppliers` lists it and its card lists the risk', async () => {
  const form = await stack.ask(
    personalChat,
    users.asha.id,
    'supplier add',
    'Add a critical supplier',
  );
  expect(cardText(form.cards)).toContain('East Sussex Healthcare NHS Trust (RXC)');
  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'supplier.save',
    {
      supplierId: '',
      etag: '',
      name: 'Acme Pathology',
      supplies: 'Pathology LIMS, hosted',
      orgCodes: 'RXC',
      criticality: 'critical',
      incidentContact: 'Service desk 0800 000 000',
      nextReview: `31/03/${nextYear}`,
      dsptStatus: 'met',
      dsptExpires: `30/06/${nextYear}`,
      iso27001Expires: '',
      cyberEssentialsPlusExpires: '',
      evidenceLink: '',
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Saved: Acme Pathology');

  const list = await stack.ask(personalChat, users.asha.id, 'suppliers', 'Critical suppliers (1)');
  expect(cardText(list.cards)).toContain('Acme Pathology · Critical');

  const riskForm = await stack.ask(personalChat, users.asha.id, 'risk', 'Raise a risk');
  const raised = await stack.execute(
    personalChat,
    users.asha.id,
    'risk.raise',
    {
      title: 'LIMS on an unsupported database',
      description: 'The pathology system’s database is out of support.',
      orgCode: 'RXC',
      cafPrinciple: 'A4',
      likelihood: '2',
      consequence: '3',
      owner: 'Head of IT',
      mitigations: '',
      reviewDate: `31/01/${nextYear}`,
      supplier: 'Acme Pathology',
    },
    riskForm.messageId,
  );
  expect(cardText(raised.value)).toContain('Supplier\nAcme Pathology');
  const riskId = /Reference\n(R-[0-9A-F]{8})/.exec(cardText(raised.value))?.[1];
  expect(riskId).toBeDefined();

  const page = await stack.ask(
    personalChat,
    users.asha.id,
    'supplier acme pathology',
    'Acme Pathology · Critical supplier',
  );
  const text = cardText(page.cards);
  expect(text).toContain('Open risks naming it (1)');
  expect(text).toContain(`${riskId}: LIMS on an unsupported database`);
  expect(text).toContain('DSPT: Standards met');
});
