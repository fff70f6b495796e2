import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/domain/shared/clock';
import type { Member } from '../../src/domain/people/member';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp, type StartOptions } from '../../src/server';
import type { TableStore } from '../../src/store/tables';
import { startTestStore } from './azurite';
import { RecordingConnector, type FailurePlan } from './recording-connector';
import { seedTeams } from './teams-fault-world';

/*
 * The app as the fault and integration tests start it: against Azurite, with a webhook secret, and
 * Teams played by a recording connector that every saved conversation points at.
 */

/** Azurite with the Teams side seeded (see `seedTeams`) and the connector that stands in for Teams. */
export interface TeamsWorld {
  store: TableStore;
  connectionString: string;
  connector: RecordingConnector;
  /** Stops the connector, then Azurite. */
  stop(): Promise<void>;
}

/** A fresh Azurite and recording connector, with `people`, the channel and their chats saved. */
export async function startTeamsWorld(options: {
  clock: Clock;
  people: Member[];
  failures?: FailurePlan;
}): Promise<TeamsWorld> {
  const started = await startTestStore();
  const { clock } = options;
  const connector = await RecordingConnector.start({
    ...(options.failures ? { failures: options.failures } : {}),
    now: () => clock.now().getTime(),
  });
  await seedTeams(started.store, connector.url, options.people, clock.now());
  return {
    store: started.store,
    connectionString: started.azurite.connectionString,
    connector,
    async stop() {
      await connector.stop();
      await started.stop();
    },
  };
}

/**
 * Starts the app on a free port against the tables at `connectionString`, silent unless told;
 * `env` adds settings (as environment variables) to the test configuration.
 */
export function startAppOn(
  connectionString: string,
  secret: string,
  options: StartOptions,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  return startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: connectionString,
      CTAC_WEBHOOK_SECRET: secret,
      ...env,
    }),
    { logger: createLogger('silent'), ...options },
  );
}
