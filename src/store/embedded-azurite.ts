import { mkdirSync } from 'fs';
import { join, resolve } from 'path';

/** The well-known Azurite development account (public, documented by Microsoft; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface EmbeddedAzurite {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's Table service inside this process on loopback (no telemetry this way).
 * With `dataDir` it keeps data on disk; without, in memory (tests).
 */
export async function startEmbeddedAzurite(
  opts: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedAzurite> {
  const { TableServer, TableConfiguration } = loadAzurite();
  let dbPath = 'unused';
  if (opts.dataDir) {
    mkdirSync(resolve(opts.dataDir), { recursive: true });
    dbPath = join(resolve(opts.dataDir), '__azurite_db_table__.json');
  }
  const inMemory = !opts.dataDir;
  const config = new TableConfiguration(
    '127.0.0.1',
    opts.port ?? 0,
    5,
    dbPath,
    false,
    false,
    undefined,
    undefined,
    false,
    true,
    '',
    '',
    '',
    undefined,
    false,
    inMemory,
  );
  const server = new TableServer(config);
  await server.start();
  const port = Number(String(server.getHttpServerAddress()).split(':').pop());
  return {
    port,
    connectionString: azuriteConnectionString(port),
    stop: () => server.close(),
  };
}

/**
 * Azurite is a development dependency, loaded only here, when no storage is configured: it takes about a
 * second to require, and a production install (`npm ci --omit=dev`) does not have it.
 */
function loadAzurite() {
  try {
    return {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      TableServer: require('azurite/dist/src/table/TableServer').default,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      TableConfiguration: require('azurite/dist/src/table/TableConfiguration').default,
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error(
      'No Table Storage is configured (TABLES_CONNECTION_STRING or TABLES_ENDPOINT), and Azurite, which CTAC ' +
        'starts in its place on your own computer, is not installed: it is a development dependency. Set one ' +
        'of those settings, or install the development dependencies with npm install.',
      { cause: e },
    );
  }
}

export const azuriteConnectionString = (port: number): string =>
  `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`;
