import { loadConfig, ConfigError } from '../src/config';
import { startApp } from '../src/server';
import { startPlayground } from './playground';

/**
 * `npm start`: the whole app on loopback with no cloud account: embedded Azurite (data under .data/), the app
 * and its tab on PORT, the development host page to try the tab (unless BOT_ID is set, or CTAC_DEV_HOST=false),
 * and the M365 Agents Playground. Prints the one URL to open; Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { devHostByDefault: true });
  const app = await startApp(config);
  const playgroundPort = Number(process.env['PLAYGROUND_PORT'] ?? 56150);
  const playground = await startPlayground({
    botEndpoint: `${app.url}/api/messages`,
    port: playgroundPort,
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping CTAC...');
    await playground.stop();
    await app.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  playground.child.once('exit', (code) => {
    if (!stopping) {
      console.error(
        `The Playground stopped unexpectedly (exit ${code}); see ${playground.logFile}`,
      );
      void stop(1);
    }
  });

  console.log(`
  CTAC is running locally.

    Open this in your browser to talk to the bot:  ${playground.url}

    The Playground shows the "ICS Cyber" team and a personal chat. Opening a conversation installs CTAC
    there: open the ICS cyber channel first (with CTAC_ADMINS empty, you become the first admin), then type
    "help". ${
      config.devHost
        ? `Try the tab at ${app.url}/dev/host.html (on this computer only)`
        : `The tab is at ${app.url}/tab/`
    } and health at ${app.url}/api/health.
    Data is kept in ${config.storage.kind === 'embedded' ? config.storage.dataDir : 'the configured Table Storage'}. Press Ctrl-C to stop.
`);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
