import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { CloudAdapter } from 'botbuilder';
import type { Metrics } from '../app/metrics';
import { createAdapter } from '../bot/adapter';
import type { Config } from '../config';
import type { Clock } from '../domain/shared/clock';
import { graphTokenSource } from '../graph/graph-auth';
import { createGraphClient } from '../graph/graph-client';
import type { TableStore } from '../store/tables';

/** What every area of the app is built with. */
export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: TableStore;
  /** What the operations dashboard counts (src/telemetry); records nothing when telemetry is off. */
  metrics: Metrics;
  /** Names this process in the rows its jobs claim (for people reading the tables). */
  instanceId: string;
  /** Microsoft Graph (people look-ups, activity feed) when GRAPH_ENABLED. */
  graph?: Client;
  /** The Bot Framework adapter: incoming bot requests, and risk cards posted and updated in Teams. */
  adapter: CloudAdapter;
}

export function appContext(
  config: Config,
  logger: Logger,
  clock: Clock,
  store: TableStore,
  metrics: Metrics,
): AppContext {
  return {
    config,
    logger,
    clock,
    store,
    metrics,
    instanceId: `${process.pid}@${config.host}`,
    graph: config.graph
      ? createGraphClient({ getToken: graphTokenSource(config.bot), baseUrl: config.graph.baseUrl })
      : undefined,
    adapter: createAdapter(config, logger),
  };
}
