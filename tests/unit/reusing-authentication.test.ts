import type { Activity, ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { ReusingAuthentication } from '../../src/bot/adapter';

// Anonymous (no app id): allowed outside production, and it needs nothing from the network.
const options = {} as ConfigurationBotFrameworkAuthenticationOptions;
const activity = (serviceUrl: string) =>
  ({ type: 'message', channelId: 'msteams', serviceUrl }) as Activity;

/** Where a connector client sends (kept by the SDK on the client, not in its public type). */
const baseUri = (client: ConnectorClient) => (client as unknown as { baseUri: string }).baseUri;

async function clientFor(auth: ReusingAuthentication, serviceUrl: string) {
  const turn = await auth.authenticateRequest(activity(serviceUrl), '');
  return turn.connectorFactory!.create(serviceUrl, turn.audience);
}

describe('bot authentication keeps the clients it makes', () => {
  it('hands every turn for the same service URL the same connector client, made and prepared once', async () => {
    const prepared: ConnectorClient[] = [];
    const auth = new ReusingAuthentication(options, (c) => prepared.push(c));
    const first = await clientFor(auth, 'https://smba.example.test/emea/');
    const second = await clientFor(auth, 'https://smba.example.test/emea/');
    expect(second).toBe(first);
    expect(prepared).toEqual([first]);
    expect(baseUri(first)).toBe('https://smba.example.test/emea/');

    const elsewhere = await clientFor(auth, 'https://smba.example.test/uk/');
    expect(elsewhere).not.toBe(first);
    expect(baseUri(elsewhere)).toBe('https://smba.example.test/uk/');
    expect(prepared).toHaveLength(2);
  });

  it('shares clients between inbound turns and proactive sends for the same bot', async () => {
    const auth = new ReusingAuthentication(options);
    const inbound = await clientFor(auth, 'https://smba.example.test/emea/');
    const turn = await auth.authenticateRequest(activity('https://smba.example.test/emea/'), '');
    const proactive = await auth
      .createConnectorFactory(turn.claimsIdentity)
      .create('https://smba.example.test/emea/', turn.audience);
    expect(proactive).toBe(inbound);
  });

  it('makes the user-token client once per bot', async () => {
    const auth = new ReusingAuthentication(options);
    const turn = await auth.authenticateRequest(activity('https://smba.example.test/emea/'), '');
    const a = await auth.createUserTokenClient(turn.claimsIdentity);
    const b = await auth.createUserTokenClient(turn.claimsIdentity);
    expect(b).toBe(a);
  });

  it('does not keep a client that could not be made: the next turn tries again', async () => {
    let attempts = 0;
    const auth = new ReusingAuthentication(options, () => {
      if (++attempts === 1) throw new Error('could not set up the client');
    });
    await expect(clientFor(auth, 'https://smba.example.test/emea/')).rejects.toThrow(
      'could not set up the client',
    );
    const client = await clientFor(auth, 'https://smba.example.test/emea/');
    expect(baseUri(client)).toBe('https://smba.example.test/emea/');
    expect(await clientFor(auth, 'https://smba.example.test/emea/')).toBe(client);
    expect(attempts).toBe(2);
  });
});
