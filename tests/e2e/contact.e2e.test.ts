import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { FAKE_NOTIFY_KEY, FAKE_SMS_TEMPLATE, FakeNotify } from '../helpers/fake-notify';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Issue 16: contact details and `test page`, in the Playground with a fake GOV.UK Notify on loopback.
 * Asha sets her mobile number with `contact`; a landline is refused with the reason and her typed value
 * kept; then `test page` reaches her on Teams (through the outbox) and by text through the fake Notify,
 * and the card says what was delivered where.
 */
const { personalChat, users } = PLAYGROUND;
let stack: E2eStack;
let notify: FakeNotify;

beforeAll(async () => {
  notify = await FakeNotify.start();
  stack = await startInstalled({
    NOTIFY_API_KEY: FAKE_NOTIFY_KEY,
    NOTIFY_BASE_URL: notify.url,
    NOTIFY_SMS_TEMPLATE_ID: FAKE_SMS_TEMPLATE,
  });
  await addOrganisation(stack, TRUST);
  await addMember(stack, users.asha, 'RXC', 'admin');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await notify?.stop();
});

test('when Asha gives a landline, then the form comes back with her typed value and the problem; a mobile is saved and a test page reaches her', async () => {
  const form = await stack.ask(personalChat, users.asha.id, 'contact', 'Your contact details');
  expect(cardText(form.cards)).toContain('Members with no mobile number');

  const refused = await stack.execute(
    personalChat,
    users.asha.id,
    'contact.save',
    { mobile: '01273 123456', email: '', textAfterMinutes: '5', emailCopy: 'false' },
    form.messageId,
  );
  expect(cardText(refused.value)).toContain('Your contact details');
  expect(cardText(refused.value)).toContain('That looks like a landline');
  expect(JSON.stringify(refused.value)).toContain('"value":"01273 123456"');

  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'contact.save',
    { mobile: '07700 900123', email: '', textAfterMinutes: '5', emailCopy: 'false' },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Contact details saved');
  expect(cardText(saved.value)).toContain('+44 7700 900123');

  const before = stack.messages.length;
  const result = await stack.ask(personalChat, users.asha.id, 'test page', 'Test page');
  const line = cardText(result.cards);
  expect(line).toMatch(
    /Teams: delivered \d\d:\d\d; text: delivered \d\d:\d\d \(\+44 7700 900123\); email: not set up in CTAC/,
  );
  // The Teams page reached her chat, and the fake Notify took a text with a valid token.
  expect(
    stack.messages
      .slice(before)
      .some(
        (m) => m.conversationId === personalChat && (m.text ?? '').startsWith('CTAC test page.'),
      ),
  ).toBe(true);
  expect(notify.messages).toEqual([
    expect.objectContaining({
      type: 'sms',
      to: '+447700900123',
      templateId: FAKE_SMS_TEMPLATE,
      personalisation: expect.objectContaining({ subject: 'CTAC test page' }),
    }),
  ]);
  expect(notify.requests.every((r) => !r.tokenProblem)).toBe(true);
});
