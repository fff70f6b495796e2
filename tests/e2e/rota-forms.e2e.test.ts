import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { PlaygroundBrowser } from '../helpers/playground-browser';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/**
 * The rota forms as a person meets them in the Playground's own client (issue 22, items 7 to 10): the
 * card is rendered and its inputs checked in the browser, so a form the client refuses to send shows up.
 */
const { users } = PLAYGROUND;
let stack: E2eStack;
let ui: PlaygroundBrowser;

beforeAll(async () => {
  // Asha installs the app in the team (so she is the first admin) and adds Ben as a member.
  stack = await startInstalled();
  await addOrganisation(stack, TRUST);
  for (const person of [users.asha, users.ben])
    await addMember(stack, person, 'RXC', person === users.asha ? 'admin' : 'member');
  ui = await PlaygroundBrowser.open(stack.playground.url);
}, 120_000);
afterAll(async () => {
  await ui?.close();
  await stack?.stop();
});

/** Opens the setup form in the Playground and picks the members, in the order given. */
async function openSetupForm(members: string[]) {
  await ui.say('rota setup');
  const form = await ui.waitForCard('Set up the primary rotation');
  await ui.pick(form.getByRole('combobox', { name: /Members, in order/ }), members);
  return form;
}

/** Presses Next on the setup form, then Save rotation on the order step as it comes. */
async function nextThenSave(form: Awaited<ReturnType<typeof openSetupForm>>) {
  await form.getByRole('button', { name: 'Next: check the order' }).click();
  const order = await ui.waitForCard('Check the order of the primary rotation');
  await order.getByRole('button', { name: 'Save rotation' }).click();
}

test('when a lead saves a weekly rotation leaving hours per shift as shown, then it is saved', async () => {
  const form = await openSetupForm(['Asha Patel', 'Ben Okafor']);
  await nextThenSave(form);
  const saved = await ui.waitForCard(/Set up the primary rotation "CTAC primary"/);
  expect(await saved.innerText()).toContain('take weekly shifts');
});

test('when a lead gives 0 hours per shift, then the form comes back saying what to change', async () => {
  const form = await openSetupForm(['Ben Okafor']);
  await ui.pick(form.getByRole('combobox', { name: /Shift length/ }), ['A number of hours']);
  await form.getByLabel(/Hours per shift/).fill('0');
  await form.getByRole('button', { name: 'Next: check the order' }).click();
  const refused = await ui.waitForCard(/whole number of hours from 1 to 336/);
  expect(await refused.innerText()).toContain('Set up the primary rotation');
});

test('when a lead types the first handover the UK way (16/12/2026), then it is taken', async () => {
  const form = await openSetupForm(['Ben Okafor']);
  await form.getByLabel(/First handover on/).fill('16/12/2026');
  await nextThenSave(form);
  const saved = await ui.waitForCard(/from 16 Dec 2026/);
  expect(await saved.innerText()).toContain('Changed the primary rotation "CTAC primary"');
});

test('when a lead picks Ben then Asha but wants Asha first, then the order step shows the order and saves it as renumbered', async () => {
  // The secondary layer has no rotation yet, so nobody is chosen to begin with. A multi-select's order is
  // the client's (pick order here, list order in Teams), so the lead sets it on the next step.
  await ui.say('rota setup secondary');
  const form = await ui.waitForCard('Set up the secondary rotation');
  await ui.pick(form.getByRole('combobox', { name: /Members, in order/ }), [
    'Ben Okafor',
    'Asha Patel',
  ]);
  await form.getByRole('button', { name: 'Next: check the order' }).click();
  const order = await ui.waitForCard('Check the order of the secondary rotation');
  const numbers = [
    await order.getByLabel(/Asha Patel/).inputValue(),
    await order.getByLabel(/Ben Okafor/).inputValue(),
  ];
  expect(numbers.sort()).toEqual(['1', '2']);
  // The same number twice is refused, saying what to change, and nothing is saved.
  await order.getByLabel(/Asha Patel/).fill('1');
  await order.getByLabel(/Ben Okafor/).fill('1');
  await order.getByRole('button', { name: 'Save rotation' }).click();
  const clash = await ui.waitForCard(/both have 1: give each person a different number/);
  await clash.getByLabel(/Ben Okafor/).fill('2');
  await clash.getByRole('button', { name: 'Save rotation' }).click();
  const saved = await ui.waitForCard(/Set up the secondary rotation "CTAC secondary"/);
  expect(await saved.innerText()).toContain(
    'Asha Patel, Ben Okafor take weekly shifts in that order',
  );
});

test('when someone asks for help, then every command shows its placeholders', async () => {
  const before = stack.messages.length;
  await ui.say('help');
  const help = await ui.waitForCard('CTAC commands');
  expect(await help.innerText()).toContain('cover @person START to END');
  expect(await help.innerText()).toContain('rota add @person [primary|secondary] START to END');
  expect(await help.innerText()).toContain('ack ALERT-ID');
  const sent = await stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes('CTAC commands'),
  );
  // Teams drops anything that looks like markup, so no "<word>" may reach a card.
  expect(cardText(sent.cards)).not.toMatch(/<[a-z][^>]*>/i);
});
