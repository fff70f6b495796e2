import { DateTime } from 'luxon';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { addMember, addOrganisation, startInstalled, TRUST } from '../helpers/e2e-setup';
import { FakeGraph } from '../helpers/fake-graph';
import { cardText, E2eStack, PLAYGROUND, type BotMessage } from '../helpers/stack';

/* Issue 16: every member reachable before they are needed. `reach` (leads) names the people on the rota
 * whom Teams cannot reach, and why; once what was missing happens, they drop off the list. */

const { channel, personalChat, users } = PLAYGROUND;
const DAN = {
  id: 'user-dan',
  aadObjectId: 'd4d4d4d4-0000-4000-8000-000000000004',
  name: 'Dan Whitmore',
};
const FARID = {
  aadObjectId: 'f6f6f6f6-0000-4000-8000-000000000006',
  email: 'farid.haddad@sussexcommunity.example.nhs.uk',
};
/** In the organisation's directory (Graph) but not in the Playground's team. */
const GWEN = {
  aadObjectId: 'a7a7a7a7-0000-4000-8000-000000000007',
  email: 'gwen.morgan@sussexcommunity.example.nhs.uk',
};
const CATALOG_APP = 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/catalog-ctac';

let stack: E2eStack;
let graph: FakeGraph;

beforeAll(async () => {
  graph = await FakeGraph.start([
    {
      id: FARID.aadObjectId,
      displayName: 'Farid Haddad',
      userPrincipalName: FARID.email,
      mail: FARID.email,
    },
    {
      id: GWEN.aadObjectId,
      displayName: 'Gwen Morgan',
      userPrincipalName: GWEN.email,
      mail: GWEN.email,
    },
  ]);
  // CTAC is in the organisation's app catalogue, so Graph can install it for a member.
  graph.catalog.push({ id: 'catalog-ctac', externalId: 'ctac-manifest-id' });
  stack = await startInstalled({
    GRAPH_ENABLED: 'true',
    GRAPH_BASE_URL: graph.url,
    TEAMS_APP_ID: 'ctac-manifest-id',
  });
  await addOrganisation(stack, TRUST);
  await addMember(stack, users.asha, 'RXC', 'admin');
  // Dan became a member before CTAC kept Teams ids (an older release stored none): his record has no
  // id, and he has never used CTAC.
  await new TableMemberRepository(stack.app.store).put({
    aadObjectId: DAN.aadObjectId,
    name: DAN.name,
    upn: 'dan.whitmore@secamb.example.nhs.uk',
    orgCode: 'RXC',
    role: 'member',
    addedAt: new Date().toISOString(),
    addedBy: 'Asha Patel',
  });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await graph?.stop();
});

/** Asha types a command in her chat and waits for the reply that contains `expectText`. */
async function ask(text: string, expectText: string): Promise<BotMessage> {
  const before = stack.messages.length;
  await stack.say(personalChat, users.asha.id, text);
  return stack.waitForMessage(
    (m) => stack.messages.indexOf(m) >= before && cardText(m.cards).includes(expectText),
  );
}

/** The `reach` card's line for one person ("Cannot be reached: ..."), or undefined when not listed. */
function lineFor(card: BotMessage, name: string): string | undefined {
  const facts: { title: string; value: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n['type'] === 'FactSet') facts.push(...(n['facts'] as typeof facts));
    Object.values(n).forEach(walk);
  };
  walk(card.cards);
  return facts.find((f) => f.title === name)?.value;
}

test('when people on the rota cannot be reached on Teams, then reach says who and why, and each drops off once they can be', async () => {
  // Asha sets up the primary rotation with Dan, and adds Farid (in the team) and Gwen (not in it) by email.
  const form = await stack.ask(
    personalChat,
    users.asha.id,
    'rota setup',
    'Set up the primary rotation',
  );
  const saved = await stack.execute(
    personalChat,
    users.asha.id,
    'rota.setup',
    {
      layer: 'primary',
      name: 'CTAC primary',
      memberIds: `${users.asha.aadObjectId},${DAN.aadObjectId}`,
      shiftLength: 'daily',
      handoverTime: '09:00',
      startDate: DateTime.now().setZone('Europe/London').minus({ days: 1 }).toISODate()!,
      addPeople: `${FARID.email}, ${GWEN.email}`,
      addOrgCode: 'RXC',
      etagPrimary: '',
      etagSecondary: '',
    },
    form.messageId,
  );
  expect(cardText(saved.value)).toContain(
    'Asha Patel, Dan Whitmore, Farid Haddad, Gwen Morgan take daily shifts',
  );
  // Farid took his Teams id from the team's roster as he was added; Gwen, not in the team, has none.
  // CTAC was installed for both through Graph.
  const members = new TableMemberRepository(stack.app.store);
  expect((await members.get(FARID.aadObjectId))?.teamsUserId).toBe('user-farid');
  expect((await members.get(GWEN.aadObjectId))?.teamsUserId).toBeUndefined();
  expect(graph.installs).toEqual([
    { userId: FARID.aadObjectId, teamsApp: CATALOG_APP },
    { userId: GWEN.aadObjectId, teamsApp: CATALOG_APP },
  ]);

  const before = await ask('reach', 'cannot be reached on Teams');
  expect(cardText(before.cards)).toContain('2 people cannot be reached on Teams');
  // Teams' reasons come first; text messages' (GOV.UK Notify) follow.
  expect(lineFor(before, 'Dan Whitmore')).toMatch(/^Cannot be reached: no chat with CTAC yet[;.]/);
  expect(lineFor(before, 'Dan Whitmore')).toContain('Primary on call from');
  expect(lineFor(before, 'Gwen Morgan')).toMatch(
    /^Cannot be reached: not in the team; no chat with CTAC yet[;.]/,
  );
  expect(lineFor(before, 'Gwen Morgan')).toContain('CTAC is installed in their Teams now');
  expect(lineFor(before, 'Farid Haddad')).toBeUndefined();
  expect(lineFor(before, 'Asha Patel')).toBeUndefined();
  // Reach installed CTAC for Dan, who had no chat with it.
  expect(graph.installs.map((i) => i.userId)).toContain(DAN.aadObjectId);

  // Dan uses CTAC for the first time (asks who is on call from a card in the channel): his Teams id
  // comes with it, so CTAC can open a chat with him now.
  const help = await stack.ask(channel, users.asha.id, 'help', 'CTAC commands');
  const oncall = await stack.execute(
    help.conversationId,
    DAN.id,
    'command.run',
    { command: 'oncall' },
    help.messageId,
  );
  expect(cardText(oncall.value)).toContain('On call now');
  expect((await members.get(DAN.aadObjectId))?.teamsUserId).toBe(DAN.id);

  const after = await ask('reach', 'cannot be reached on Teams');
  expect(cardText(after.cards)).toContain('1 person cannot be reached on Teams');
  expect(lineFor(after, 'Dan Whitmore')).toBeUndefined();
  expect(lineFor(after, 'Gwen Morgan')).toContain('not in the team');
}, 90_000);

test('when a member or someone outside CTAC asks who can be reached, then they are refused', async () => {
  // Only the Playground's signed-in user types; others act through card buttons, which carry their id.
  const help = await stack.ask(channel, users.asha.id, 'help', 'CTAC commands');
  for (const [who, refusal] of [
    [DAN.id, 'Only leads can check who can be reached.'],
    [users.chloe.id, 'Only CTAC members can check who can be reached.'],
  ] as const) {
    const answer = cardText(
      (
        await stack.execute(
          help.conversationId,
          who,
          'command.run',
          { command: 'reach' },
          help.messageId,
        )
      ).value,
    );
    expect(answer).toContain(refusal);
    expect(answer).not.toContain('Gwen Morgan');
  }
}, 60_000);
