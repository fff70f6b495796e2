import {
  GraphAppInstallation,
  type CatalogAppSources,
} from '../../src/graph/graph-app-installation';
import { FakeGraph, fakeGraphClient } from '../helpers/fake-graph';

/* Issue 16: CTAC finds its own id in the organisation's app catalogue before installing itself for a member.
 * Graph documents the catalogue look-up for signed-in users only, so with the bot's own token CTAC falls
 * back to its installation in the ICS cyber team; an admin can also give the id (TEAMS_APP_CATALOG_ID). */

const MEMBER = '0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b';
const CYBER_TEAM = '6903fa93-605b-43ef-920e-77c4729f8258';
const bound = (catalogId: string) =>
  `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}`;

let graph: FakeGraph;
beforeEach(async () => {
  graph = await FakeGraph.start([]);
});
afterEach(() => graph.stop());

function installer(sources: CatalogAppSources = {}) {
  const warnings: { details: unknown; message: string }[] = [];
  const logger = {
    warn: (details: unknown, message?: string) =>
      warnings.push(
        typeof details === 'string'
          ? { details: {}, message: details }
          : { details, message: message! },
      ),
    info: () => undefined,
  };
  const apps = new GraphAppInstallation(
    fakeGraphClient(graph),
    'ctac-manifest-id',
    logger as never,
    sources,
  );
  return { apps, warnings };
}
const asked = (path: string) =>
  graph.requests.filter((r) => r.method === 'GET' && r.url.startsWith(`/v1.0${path}`));

test('when TEAMS_APP_CATALOG_ID is set, then CTAC is installed with it and nothing is looked up', async () => {
  graph.catalog.push({ id: 'catalog-other', externalId: 'ctac-manifest-id' });
  const { apps, warnings } = installer({
    catalogId: '1542629c-01b3-4a6d-8f76-1938b779e48d',
    cyberTeamId: async () => CYBER_TEAM,
  });

  expect(await apps.installFor(MEMBER)).toBe('installed');

  expect(graph.installs).toEqual([
    { userId: MEMBER, teamsApp: bound('1542629c-01b3-4a6d-8f76-1938b779e48d') },
  ]);
  expect(asked('/appCatalogs')).toEqual([]);
  expect(asked('/teams')).toEqual([]);
  expect(warnings).toEqual([]);
});

test('when the catalogue answers, then its id is used, looked up once, and the team is not asked', async () => {
  graph.catalog.push({ id: 'catalog-ctac', externalId: 'ctac-manifest-id' });
  const { apps, warnings } = installer({ cyberTeamId: async () => CYBER_TEAM });

  expect(await apps.installFor(MEMBER)).toBe('installed');
  expect(await apps.installFor(MEMBER)).toBe('already_installed');

  expect(graph.installs).toEqual([{ userId: MEMBER, teamsApp: bound('catalog-ctac') }]);
  expect(asked('/appCatalogs')).toHaveLength(1);
  expect(decodeURIComponent(asked('/appCatalogs')[0]!.url)).toContain(
    "$filter=externalId eq 'ctac-manifest-id'",
  );
  expect(asked('/teams')).toEqual([]);
  expect(warnings).toEqual([]);
});

test.each([
  ['refuses the bot (403)', 403],
  ['finds nothing', undefined],
])(
  'when the catalogue %s, then the app installed in the ICS cyber team gives the id',
  async (_what, status) => {
    graph.catalogStatus = status;
    graph.teamApps.push(
      { teamId: CYBER_TEAM, teamsApp: { id: 'catalog-other-app', externalId: 'other-manifest' } },
      { teamId: CYBER_TEAM, teamsApp: { id: 'catalog-ctac', externalId: 'ctac-manifest-id' } },
    );
    const { apps, warnings } = installer({ cyberTeamId: async () => CYBER_TEAM.toUpperCase() });

    expect(await apps.installFor(MEMBER)).toBe('installed');

    expect(graph.installs).toEqual([{ userId: MEMBER, teamsApp: bound('catalog-ctac') }]);
    const [teamAsk] = asked(`/teams/${CYBER_TEAM}/installedApps`);
    const query = new URL(teamAsk!.url, 'http://graph').searchParams;
    expect(query.get('$expand')).toBe('teamsApp');
    expect(query.get('$filter')).toBe("teamsApp/externalId eq 'ctac-manifest-id'");
    expect(warnings).toEqual([]);
  },
);

test('when neither the catalogue nor the team has CTAC, then installing fails, tried again later, warned about once', async () => {
  graph.catalogStatus = 403;
  graph.teamApps.push({
    teamId: CYBER_TEAM,
    teamsApp: { id: 'catalog-other-app', externalId: 'other-manifest' },
  });
  const { apps, warnings } = installer({ cyberTeamId: async () => CYBER_TEAM });

  expect(await apps.installFor(MEMBER)).toBe('failed');
  expect(await apps.installFor(MEMBER)).toBe('failed');

  expect(graph.installs).toEqual([]);
  // Each attempt looks again (an admin may fix it), but the warning is given once.
  expect(asked('/appCatalogs')).toHaveLength(2);
  expect(asked('/teams')).toHaveLength(2);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.message).toMatch(/TEAMS_APP_CATALOG_ID/);
  expect(warnings[0]!.details).toMatchObject({ catalogStatus: 403 });

  // Once CTAC is in the catalogue, the next member is installed.
  graph.catalogStatus = undefined;
  graph.catalog.push({ id: 'catalog-ctac', externalId: 'ctac-manifest-id' });
  expect(await apps.installFor(MEMBER)).toBe('installed');
});

test('when the ICS cyber team is not known, then only the catalogue is asked', async () => {
  graph.catalogStatus = 403;
  const { apps, warnings } = installer({ cyberTeamId: async () => undefined });

  expect(await apps.installFor(MEMBER)).toBe('failed');

  expect(asked('/teams')).toEqual([]);
  expect(warnings).toHaveLength(1);
});
