import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

/**
 * Issue 17, item 3, through the Playground: the person who installs CTAC becomes its first admin only when
 * CTAC_ADMINS is empty and only by installing it into a team. The Playground's installs are Asha's.
 */
const { channel, personalChat, users } = PLAYGROUND;

/** Says `text` and waits for the bot's answer to it (the first card after it that matches). */
async function ask(
  stack: E2eStack,
  where: string,
  who: string,
  text: string,
  match: (text: string) => boolean,
): Promise<BotMessage> {
  const after = stack.messages.length;
  await stack.say(where, who, text);
  return stack.waitForMessage(
    (m) =>
      stack.messages.indexOf(m) >= after &&
      m.conversationId.startsWith(where) &&
      match(cardText(m.cards)),
  );
}
const ORG_FORM = 'Add an ICS organisation';
/** The answer to "org add": its form, or a refusal (not the help card, which names the command too). */
const refusedOrForm = (t: string) =>
  !t.includes('CTAC commands') && (t.includes(ORG_FORM) || /Only .* can add organisations/.test(t));

describe('when CTAC_ADMINS is empty', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await E2eStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('when the app is first installed in a personal chat, then its installer is not an admin; installing it into the team then makes them one', async () => {
    await stack.install(personalChat);
    await stack.waitForMessage(
      (m) => m.conversationId === personalChat && cardText(m.cards).includes('CTAC commands'),
    );
    const refused = await ask(stack, personalChat, users.asha.id, 'org add', refusedOrForm);
    expect(cardText(refused.cards)).not.toContain(ORG_FORM);
    expect(cardText(refused.cards)).toContain('Only CTAC members can add organisations');

    await stack.install(channel);
    await stack.waitForMessage((m) => cardText(m.cards).includes('CTAC is ready'));
    const form = await ask(stack, personalChat, users.asha.id, 'org add', refusedOrForm);
    expect(cardText(form.cards)).toContain(ORG_FORM);
  });
});

describe('when CTAC_ADMINS names someone', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await E2eStack.start({ CTAC_ADMINS: 'ben.okafor@esht.example.nhs.uk' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('when someone else installs the app into the team, then they are not an admin; the person named is', async () => {
    await stack.install(channel);
    const welcome = await stack.waitForMessage((m) => cardText(m.cards).includes('CTAC is ready'));
    const refused = await ask(stack, personalChat, users.asha.id, 'org add', refusedOrForm);
    expect(cardText(refused.cards)).not.toContain(ORG_FORM);

    // The Playground's typed messages are always Asha's: Ben runs the command from the welcome card.
    const thread = welcome.conversationId.includes(';')
      ? welcome.conversationId
      : `${welcome.conversationId};messageid=${welcome.messageId}`;
    const form = await stack.execute(
      thread,
      users.ben.id,
      'command.run',
      { command: 'org add' },
      welcome.messageId,
    );
    // An admin gets the form, which opens in their own chat (issue 22, item 13): Ben has none yet, so he is
    // told to open it. Anyone else would be refused before any form.
    expect(cardText(form.value)).toContain('Open your chat with CTAC to fill in this form');
    expect(cardText(form.value)).not.toMatch(/Only (admins|CTAC members) can add organisations/);
  });
});
