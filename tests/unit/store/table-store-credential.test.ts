import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { ManagedIdentityCredential } from '@azure/identity';
import { TableStore } from '../../../src/store/tables';

/** A credential that refuses every token: requests stop before any connection is tried. */
class RefusingCredential implements TokenCredential {
  readonly scopesAsked: string[] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.scopesAsked.push(...[scopes].flat());
    throw new Error('no token here (test)');
  }
}

// Port 9 on loopback: nothing is contacted, since the credential refuses first.
const endpoint = { kind: 'endpoint', endpoint: 'https://127.0.0.1:9' } as const;

describe('TableStore with a table endpoint (Azure, managed identity)', () => {
  it('when it opens several tables, then they all share one managed identity credential', () => {
    const store = new TableStore(endpoint, 'Test');
    expect(store.credential).toBeInstanceOf(ManagedIdentityCredential);
    const clients = ['Alerts', 'Members', 'Rota'].map((name) => store.table(name));
    for (const client of clients) expect(Reflect.get(client, 'credential')).toBe(store.credential);
    expect(store.table('Alerts')).toBe(clients[0]);
  });

  it('when tables are used, then every request takes its token from the one credential given', async () => {
    const credential = new RefusingCredential();
    const store = new TableStore(endpoint, '', credential);
    await expect(store.table('Alerts').createTable()).rejects.toThrow('no token here');
    await expect(store.table('Members').createTable()).rejects.toThrow('no token here');
    expect(credential.scopesAsked).toEqual([
      'https://storage.azure.com/.default',
      'https://storage.azure.com/.default',
    ]);
  });

  it('when storage is a connection string, then no credential is made (it would probe the cloud)', () => {
    const store = new TableStore({
      kind: 'connectionString',
      connectionString:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
    });
    expect(store.credential).toBeUndefined();
  });
});
