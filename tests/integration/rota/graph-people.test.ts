import { createGraphClient } from '../../../src/graph/graph-client';
import { GraphPeopleLookup } from '../../../src/graph/graph-people';
import { FakeGraph } from '../../helpers/fake-graph';

let graph: FakeGraph;
let lookup: GraphPeopleLookup;

beforeAll(async () => {
  graph = await FakeGraph.start([
    {
      id: 'F6F6F6F6-0000-4000-8000-000000000006',
      displayName: 'Farid Haddad',
      userPrincipalName: 'farid.haddad@sussexcommunity.example.nhs.uk',
      mail: 'farid.haddad@nhs.example.net',
    },
  ]);
  lookup = new GraphPeopleLookup(
    createGraphClient({ getToken: async () => 'test-token', baseUrl: graph.url }),
  );
});
afterAll(() => graph.stop());

test('when a lead gives a sign-in name, then Graph answers the Entra object id and display name', async () => {
  expect(await lookup.findBySignInName(' Farid.Haddad@SussexCommunity.example.nhs.uk ')).toEqual({
    aadObjectId: 'f6f6f6f6-0000-4000-8000-000000000006',
    name: 'Farid Haddad',
    upn: 'farid.haddad@sussexcommunity.example.nhs.uk',
  });
  expect(graph.requests.at(-1)).toMatchObject({
    method: 'GET',
    authorization: 'Bearer test-token',
  });
  expect(graph.requests.at(-1)!.url).toContain(
    '/v1.0/users/farid.haddad%40sussexcommunity.example.nhs.uk',
  );
});

test('when a lead gives an email that is not the sign-in name, then the person is found by their mail', async () => {
  const person = await lookup.findBySignInName('farid.haddad@nhs.example.net');
  expect(person?.aadObjectId).toBe('f6f6f6f6-0000-4000-8000-000000000006');
});

test('when nobody has that name, then the answer is nobody', async () => {
  expect(await lookup.findBySignInName('nobody@example.nhs.uk')).toBeUndefined();
});

test('when the text is not an email address, then Graph is not asked at all', async () => {
  const before = graph.requests.length;
  for (const text of ["x' or 1 eq 1 or mail eq 'y@z.uk", '../users', 'no-at-sign', 'a@b'])
    expect(await lookup.findBySignInName(text)).toBeUndefined();
  expect(graph.requests).toHaveLength(before);
});
