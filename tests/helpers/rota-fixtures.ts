import { Directory } from '../../src/app/directory';
import type { PeopleLookup } from '../../src/app/rota/ports';
import { RotaService } from '../../src/app/rota/rota-service';
import type { Member } from '../../src/domain/people/member';
import type { Organisation } from '../../src/domain/people/organisation';
import type { Clock } from '../../src/domain/shared/clock';
import type { IdGenerator } from '../../src/domain/shared/ids';
import { GraphPeopleLookup } from '../../src/graph/graph-people';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import {
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
} from '../../src/store/rota-repositories';
import { TableSwapRepository } from '../../src/store/rota-swap-repository';
import { ROTA_TABLES } from '../../src/store/rota-tables';
import type { TableStore } from '../../src/store/tables';
import { fakeGraphClient, type FakeGraph } from './fake-graph';

/*
 * The rota set-up the rota tests share: the people they seed, the Trust they belong to and the rota
 * service over Azurite tables.
 */

/** A member of the Trust RXC, as the rota tests seed them; `teamsUserId` when Teams must reach them. */
export const rotaMember = (
  id: string,
  name: string,
  role: Member['role'],
  teamsUserId?: string,
): Member => ({
  aadObjectId: id,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@example.nhs.uk`,
  orgCode: 'RXC',
  role,
  addedAt: '2026-11-01T00:00:00Z',
  addedBy: 'test',
  ...(teamsUserId ? { teamsUserId } : {}),
});

export const JANE = rotaMember('11111111-1111-4111-8111-111111111111', 'Jane Smith', 'member');
export const BOB = rotaMember('22222222-2222-4222-8222-222222222222', 'Bob Jones', 'member');
export const PRIYA = rotaMember('33333333-3333-4333-8333-333333333333', 'Priya Patel', 'member');
export const LEE = rotaMember('55555555-5555-4555-8555-555555555555', 'Lee Lead', 'lead');

/** The Trust the rota's members belong to, an OES organisation. */
export const RXC: Organisation = {
  code: 'RXC',
  name: 'East Sussex Healthcare NHS Trust',
  isOes: true,
  createdAt: '2026-11-01T00:00:00Z',
  createdBy: 'test',
};

/** Ids that count up, `id-1`, `id-2`, ..., so a test's rows have names it can read. */
export const countingIds = (): IdGenerator => {
  let n = 0;
  return { next: () => `id-${++n}` };
};

/** A daily rotation for `layer` from 28 November 2026, handing over at 09:00. */
export const dailyRotation = (layer: string, memberIds: string[]) => ({
  name: `CTAC ${layer}`,
  layer,
  memberIds,
  shiftLength: 'daily',
  handoverTime: '09:00',
  startDate: '2026-11-28',
});

/** Finds people through the fake Graph, as the rota does when Microsoft Graph is on. */
export const graphPeopleLookup = (graph: FakeGraph): PeopleLookup =>
  new GraphPeopleLookup(fakeGraphClient(graph));

export interface RotaOptions {
  clock: Clock;
  /** Defaults to `countingIds()`. */
  ids?: IdGenerator;
  lookup?: PeopleLookup;
}

export interface RotaWorld {
  rota: RotaService;
  members: TableMemberRepository;
  organisations: TableOrganisationRepository;
}

/** The rota service over the Azurite tables of `store`, with nobody seeded. */
export function rotaServiceOn(store: TableStore, options: RotaOptions): RotaWorld {
  const members = new TableMemberRepository(store);
  const organisations = new TableOrganisationRepository(store);
  const rota = new RotaService({
    rotations: new TableRotationRepository(store),
    overrides: new TableOverrideRepository(store),
    leave: new TableLeaveRepository(store),
    swaps: new TableSwapRepository(store),
    directory: new Directory(organisations, members, options.clock, []),
    members,
    organisations,
    clock: options.clock,
    ids: options.ids ?? countingIds(),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  return { rota, members, organisations };
}

/**
 * Creates the rota's tables, saves `people` (and the Trust RXC when `organisation` is given) and
 * returns the rota service over them.
 */
export async function seedRota(
  store: TableStore,
  options: RotaOptions & { people: Member[]; organisation?: Organisation },
): Promise<RotaWorld> {
  await store.createTables(Object.values(ROTA_TABLES));
  const world = rotaServiceOn(store, options);
  if (options.organisation) await world.organisations.create(options.organisation);
  for (const m of options.people) await world.members.put(m);
  return world;
}
