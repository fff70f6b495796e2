import { startInstalled } from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

const { channel, personalChat, users } = PLAYGROUND;
let stack: E2eStack;

/** Someone types a command in the personal chat (or, with `inChannel`, mentions the bot in the channel). */
async function command(
  text: string,
  expectText: string,
  opts: { inChannel?: boolean; from?: string } = {},
) {
  const before = stack.messages.length;
  await stack.say(opts.inChannel ? channel : personalChat, opts.from ?? users.asha.id, text, {
    mention: opts.inChannel,
  });
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

/** The data of a card's "Remove from CTAC" button (the leaver's confirm), wherever the answer holds it. */
function confirmData(answer: unknown): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['type'] === 'Action.Execute' && o['verb'] === 'member.remove.confirm')
        found.push(o['data'] as Record<string, unknown>);
      Object.values(o).forEach(visit);
    }
  };
  visit(answer);
  expect(found).toHaveLength(1);
  return found[0]!;
}

beforeAll(async () => {
  stack = await startInstalled();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('when admins change organisations, roles, a policy and the appetite, then "audit" lists each with who, what, before and after, newest first', async () => {
  const empty = await command('audit', 'Audit log');
  expect(cardText(empty.cards)).toContain('No admin changes have been recorded yet.');

  const orgForm = await command('org add', 'Add an ICS organisation');
  await stack.execute(
    personalChat,
    users.asha.id,
    'org.add',
    { name: 'East Sussex Healthcare NHS Trust', code: 'RXC', isOes: 'true' },
    orgForm.messageId,
  );
  const memberForm = await command('member add', 'Add a member or change their role');
  await stack.execute(
    personalChat,
    users.asha.id,
    'member.add',
    { aadObjectId: users.ben.aadObjectId, orgCode: 'RXC', role: 'member' },
    memberForm.messageId,
  );
  await stack.execute(
    personalChat,
    users.asha.id,
    'member.add',
    { aadObjectId: users.ben.aadObjectId, orgCode: 'RXC', role: 'lead' },
    memberForm.messageId,
  );
  const form = await command('policy low', 'Escalation policy for low alerts', { inChannel: true });
  const etag = /"verb":"policy\.save","rank":"low","etag":("(?:[^"\\]|\\.)*")/.exec(
    JSON.stringify(form.cards),
  );
  const saved = await stack.execute(
    form.conversationId,
    users.asha.id,
    'policy.save',
    {
      rank: 'low',
      etag: JSON.parse(etag![1]!) as string,
      name: 'Low: leads only',
      delay1: '30',
      targets1: 'leads',
      repeat: '0',
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain('Saved the low policy.');

  const appetite = await command('appetite', 'Risk appetite', { inChannel: true });
  const appetiteSaved = await stack.execute(
    appetite.conversationId,
    users.asha.id,
    'appetite.set',
    { icsWide: '12', org_RXC: '9' },
    appetite.messageId,
  );
  expect(cardText(appetiteSaved.value)).toContain('Risk appetite saved');

  const log = cardText((await command('audit', 'Audit log: the latest')).cards);
  const order = [
    'Risk appetite changed: Risk appetite',
    'Escalation policy changed: Escalation policy: low',
    'Member changed: Ben Okafor',
    'Member added: Ben Okafor',
    'Organisation added: East Sussex Healthcare NHS Trust (RXC)',
  ].map((line) => log.indexOf(line));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(log).toContain('by Asha Patel');
  // Low's default policy pages the primary after an hour (issue 20: Low is not paged at once).
  expect(log).toContain('after 60 min: primary; not repeated (the default)');
  expect(log).toContain('after 30 min: leads; not repeated');
  expect(log).toContain('Member of RXC');
  expect(log).toContain('Lead of RXC');
  expect(log).toContain('ICS-wide 12; RXC 9');
}, 90_000);

test('when a lead or someone outside CTAC asks for the audit log, then they are refused and see none of it', async () => {
  // Only the Playground's signed-in user types; other people act through card buttons, which carry their id.
  const card = await command('help', 'CTAC commands', { inChannel: true });
  for (const [who, refusal] of [
    [users.ben.id, 'Only admins can see the audit log.'],
    [users.chloe.id, 'Only CTAC members can see the audit log'],
  ] as const) {
    const answer = cardText(
      (
        await stack.execute(
          card.conversationId,
          who,
          'command.run',
          { command: 'audit' },
          card.messageId,
        )
      ).value,
    );
    expect(answer).toContain(refusal);
    expect(answer).not.toContain('Ben Okafor');
    expect(answer).not.toContain('Escalation policy');
  }
}, 60_000);

test('when an admin removes a member, then they can no longer act, their calendar links stop, and the audit log says who removed them', async () => {
  const help = await command('help', 'CTAC commands', { inChannel: true });
  const asBen = async (verb: string, data: Record<string, unknown>) =>
    cardText(
      (await stack.execute(help.conversationId, users.ben.id, verb, data, help.messageId)).value,
    );
  // Ben (a lead since the first test) has calendar links, and may not remove anyone himself.
  const links = [
    ...(await asBen('command.run', { command: 'rota calendar' })).matchAll(/http:\/\/\S+\.ics/g),
  ].map((m) => m[0]);
  expect(links).toHaveLength(2);
  for (const link of links) expect((await fetch(link)).status).toBe(200);
  expect(await asBen('member.remove', { aadObjectId: users.asha.aadObjectId })).toContain(
    'Only admins can remove members.',
  );

  const form = await command('member remove', 'Remove someone from CTAC');
  expect(cardText(form.cards)).toContain('Ben Okafor (Lead, RXC)');
  const self = await stack.execute(
    personalChat,
    users.asha.id,
    'member.remove',
    { aadObjectId: users.asha.aadObjectId },
    form.messageId,
  );
  expect(cardText(self.value)).toContain('You cannot remove yourself');
  const preview = await stack.execute(
    personalChat,
    users.asha.id,
    'member.remove',
    { aadObjectId: users.ben.aadObjectId },
    form.messageId,
  );
  expect(cardText(preview.value)).toContain('Remove Ben Okafor from CTAC?');
  // The confirm step: the card's own Remove button, with its From field left empty (now).
  const confirm = confirmData(preview.value);
  expect(
    await asBen('member.remove.confirm', { ...confirm, memberId: users.asha.aadObjectId }),
  ).toContain('Only admins can remove members.');
  const removed = await stack.execute(
    personalChat,
    users.asha.id,
    'member.remove.confirm',
    { ...confirm, from: '' },
    form.messageId,
  );
  expect(cardText(removed.value)).toContain('Removed Ben Okafor from CTAC');

  for (const link of links) expect((await fetch(link)).status).toBe(404);
  expect(await asBen('command.run', { command: 'alerts' })).toContain('Only CTAC members');
  const members = cardText((await command('members', 'CTAC members')).cards);
  expect(members).not.toContain('Ben Okafor');
  const log = cardText((await command('audit', 'Audit log: the latest')).cards);
  expect(log).toContain('Member removed: Ben Okafor');
  expect(log.indexOf('Member removed: Ben Okafor')).toBeLessThan(
    log.indexOf('Risk appetite changed'),
  );
}, 90_000);

test('when an admin moves the ICS cyber channel, then the audit log says from which channel to which', async () => {
  const channelHere = async (conversationId: string) => {
    const before = stack.messages.length;
    await stack.say(conversationId, users.asha.id, 'channel here', { mention: true });
    await stack.waitForMessage(
      (m) =>
        stack.messages.indexOf(m) >= before &&
        cardText(m.cards).includes('This is now the ICS cyber channel'),
    );
  };
  const moves = async () =>
    cardText((await command('audit', 'Audit log: the latest')).cards).split(
      'ICS cyber channel chosen',
    ).length - 1;
  // Start from the ICS cyber channel, whichever channel the install chose; then move to General (the team's
  // id), and back: two moves, each with where from and where to.
  await channelHere(channel);
  const start = await moves();
  await channelHere(PLAYGROUND.team);
  const log = cardText((await command('audit', 'Audit log: the latest')).cards);
  expect(log).toContain('ICS cyber channel chosen: ICS cyber channel');
  expect(log).toMatch(/Before\n[^\n]*channel-ics-cyber[^\n]*\nAfter\n[^\n]*team-ics-cyber/);
  expect(await moves()).toBe(start + 1);
  // Saying it again where it already is records nothing new.
  await channelHere(PLAYGROUND.team);
  expect(await moves()).toBe(start + 1);
  await channelHere(channel);
  expect(await moves()).toBe(start + 2);
}, 60_000);
