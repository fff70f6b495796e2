import { existsSync, readFileSync } from 'fs';
import { startPlayground, type PlaygroundProcess } from '../../scripts/playground';

/**
 * The Playground takes messages as any user: README promises everything `npm start` runs listens on
 * loopback only. Linux lists listening sockets in /proc/net/tcp{,6}: the local address of the
 * Playground's port must be 127.0.0.1, not every interface (0.0.0.0 or ::).
 */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // State 0A is LISTEN.
      if (!local || state !== '0A') continue;
      const [address, p] = local.split(':');
      if (p === hexPort) found.push(address!);
    }
  }
  return found;
}

let playground: PlaygroundProcess | undefined;
afterAll(async () => {
  await playground?.stop();
});

test('when the Playground starts, then it listens on loopback only', async () => {
  playground = await startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages' });
  expect((await fetch(playground.url)).status).toBe(200);
  // 0100007F is 127.0.0.1 as /proc writes it (little-endian hex).
  expect(listeningAddresses(playground.port)).toEqual(['0100007F']);
});
