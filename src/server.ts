import type { Server } from 'http';
import type { AddressInfo } from 'net';
import type { Logger } from 'pino';
import { Directory } from './app/directory';
import type { BotFeature } from './bot/bot-feature';
import { CtacBot } from './bot/ctac-bot';
import { createAdapter } from './bot/adapter';
import { createHttpApp } from './api/http-app';
import { ConfigError, loadConfig, type Config } from './config';
import { systemClock, type Clock } from './domain/shared/clock';
import { createLogger } from './logger';
import { fromRoot } from './paths';
import { startEmbeddedAzurite, type EmbeddedAzurite } from './store/embedded-azurite';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from './store/directory-repositories';
import { TableStore } from './store/tables';

export interface RunningApp {
  url: string;
  port: number;
  store: TableStore;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
}

/** The composition root: builds every adapter, use case and repository, then listens. */
export async function startApp(config: Config, opts: StartOptions = {}): Promise<RunningApp> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;

  let azurite: EmbeddedAzurite | undefined;
  let storage: ConstructorParameters<typeof TableStore>[0];
  if (config.storage.kind === 'embedded') {
    azurite = await startEmbeddedAzurite({ dataDir: config.storage.dataDir });
    storage = { kind: 'connectionString', connectionString: azurite.connectionString };
    logger.info(
      { port: azurite.port, dataDir: config.storage.dataDir },
      'embedded Azurite (Table Storage) started',
    );
  } else {
    storage = config.storage;
  }
  const store = new TableStore(storage, config.tablePrefix);
  await store.createTables();

  const conversations = new TableConversationRepository(store);
  const directory = new Directory(
    new TableOrganisationRepository(store),
    new TableMemberRepository(store),
    clock,
    config.admins,
  );
  const adapter = createAdapter(config, logger);
  // Areas of the product plug in here: each brings its bot commands and card actions (src/bot/bot-feature.ts).
  const features: BotFeature[] = [];
  const bot = new CtacBot({ directory, conversations, clock, logger, features });

  const app = createHttpApp({
    logger,
    handleBotRequest: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
    checkStore: () => store.ping(),
    tabDir: fromRoot('src', 'tab', 'public'),
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, anonymousBot: config.bot.anonymous }, 'CTAC is listening');

  return {
    url,
    port,
    store,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await azurite?.stop();
    },
  };
}

/** `npm run serve`: the app alone. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const running = await startApp(config);
  const shutdown = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
