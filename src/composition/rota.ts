import { randomBytes } from 'crypto';
import { CachedValue, notifyingWrites } from '../app/cached-value';
import { RotaCalendarFeeds } from '../app/rota/rota-calendar-feeds';
import { RotaOnCallSource } from '../app/rota/rota-on-call-source';
import { RotaService } from '../app/rota/rota-service';
import type { BotFeature } from '../bot/bot-feature';
import { QueuedRotaNotifier } from '../bot/rota/queued-rota-notifier';
import { rotaFeature } from '../bot/rota/rota-feature';
import { uuidGenerator } from '../domain/shared/ids';
import { GraphActivityFeed } from '../graph/graph-activity-feed';
import { GraphPeopleLookup } from '../graph/graph-people';
import { RotaJobs } from '../jobs/rota-jobs';
import { TableCalendarLinkRepository } from '../store/calendar-link-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../store/directory-repositories';
import { TableJobClaims } from '../store/rota-job-claims';
import {
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
} from '../store/rota-repositories';
import { TableSwapRepository } from '../store/rota-swap-repository';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';

/** The on-call rota (issue 4): use cases, Teams messages, jobs and calendar feeds. */
export interface RotaArea {
  rota: RotaService;
  /** Who is on call, layer by layer: whom the alert escalation pages. */
  onCall: RotaOnCallSource;
  /** The names of who is on call now, for the alert cards (remembered for a while). */
  onCallNames(): Promise<string[]>;
  notifier: QueuedRotaNotifier;
  calendarFeeds: RotaCalendarFeeds;
  jobs: RotaJobs;
  feature: BotFeature;
}

/** What the rota asks of the rest of the app, once it runs. */
export interface RotaLinks {
  /** The app's public address, for calendar links (known once it listens). */
  baseUrl: () => string;
  /** Lines describing the open alerts the people coming on call inherit. */
  openAlerts: () => Promise<string[]>;
  /** Lines naming the people on call in the coming shifts whom Teams cannot reach. */
  unreachableOnCall: NonNullable<ConstructorParameters<typeof RotaJobs>[0]['unreachableOnCall']>;
}

export function composeRota(
  { config, store, clock, logger, graph, instanceId }: AppContext,
  { directory, members, conversations }: PeopleArea,
  outbox: OutboxArea,
  links: RotaLinks,
): RotaArea {
  // Who is on call, as names for the alert cards: remembered for 15 s (then, for up to a minute, still
  // shown while a fresh look runs in the background, so no button press waits for it), and forgotten
  // at once when the rota changes here (paging reads the rota afresh, or as read less than a second
  // before: RotaService.loadOnCall).
  const onCallNamesNow = new CachedValue(
    async (): Promise<string[]> => {
      const layers = await onCall.onCallNow(clock.now());
      const ids = [...new Set([...layers.primary, ...layers.secondary])];
      const people = await Promise.all(ids.map((id) => members.get(id)));
      return people.flatMap((m, i) => (m ? [m.name] : ids[i] ? [ids[i]!] : []));
    },
    clock,
    15_000,
    45_000,
  );
  // The rota's own reading for paging is forgotten by RotaService itself on each write.
  const onCallChanged = () => onCallNamesNow.invalidate();
  const rota = new RotaService({
    rotations: notifyingWrites(
      new TableRotationRepository(store),
      ['create', 'update'],
      onCallChanged,
    ),
    overrides: notifyingWrites(
      new TableOverrideRepository(store),
      ['add', 'remove'],
      onCallChanged,
    ),
    leave: notifyingWrites(new TableLeaveRepository(store), ['add', 'remove'], onCallChanged),
    swaps: notifyingWrites(new TableSwapRepository(store), ['create', 'update'], onCallChanged),
    directory,
    members,
    organisations: new TableOrganisationRepository(store),
    clock,
    ids: uuidGenerator,
    lookup: graph && new GraphPeopleLookup(graph),
  });
  const onCall = new RotaOnCallSource(rota);
  // Rota messages go through the same persisted send queue as alerts (paced, retried).
  const notifier = new QueuedRotaNotifier(
    outbox.queue,
    conversations,
    (id) => members.get(id),
    logger,
  );
  const calendarFeeds = new RotaCalendarFeeds({
    rota,
    links: new TableCalendarLinkRepository(store),
    // Not the cached look-up: a removed member's links end with the next fetch, on any instance.
    members: new TableMemberRepository(store),
    clock,
    baseUrl: links.baseUrl,
    newSecret: () => randomBytes(32).toString('base64url'),
  });
  const jobs = new RotaJobs({
    rota,
    claims: new TableJobClaims(store),
    notifier,
    clock,
    logger,
    reminderLeadMs: config.rota.reminderLeadMinutes * 60_000,
    gapNoticeMs: config.rota.gapNoticeHours * 3_600_000,
    instanceId,
    activityFeed: graph && new GraphActivityFeed(graph, config.bot.appId ?? '', logger),
    openAlerts: links.openAlerts,
    unreachableOnCall: links.unreachableOnCall,
  });
  return {
    rota,
    onCall,
    onCallNames: () => onCallNamesNow.get(),
    notifier,
    calendarFeeds,
    jobs,
    feature: rotaFeature({ rota, logger, calendar: calendarFeeds, notifier, conversations }),
  };
}
