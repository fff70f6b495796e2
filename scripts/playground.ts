import { spawn, type ChildProcess } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fromRoot } from '../src/paths';

export interface PlaygroundProcess {
  port: number;
  url: string;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the M365 Agents Playground (a local Teams client) pointed at the bot endpoint, on loopback, with
 * telemetry off (the flag AND the statsbeat variable: the flag alone still calls out) and no browser.
 * It has no host option and would listen on every interface: scripts/loopback-only.cjs, loaded first,
 * binds it to 127.0.0.1.
 */
export async function startPlayground(opts: {
  botEndpoint: string;
  port?: number;
  configPath?: string;
  inheritOutput?: boolean;
}): Promise<PlaygroundProcess> {
  const logFile = join(mkdtempSync(join(tmpdir(), 'ctac-playground-')), 'playground.log');
  const child = spawn(
    process.execPath,
    [
      '--require',
      fromRoot('scripts', 'loopback-only.cjs'),
      fromRoot('node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'),
      '-e',
      opts.botEndpoint,
      '-c',
      'msteams',
      '-p',
      String(opts.port ?? 0),
      '--disable-telemetry',
    ],
    {
      cwd: fromRoot(),
      env: {
        ...process.env,
        APPLICATION_INSIGHTS_NO_STATSBEAT: '1',
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH:
          opts.configPath ?? fromRoot('.m365agentsplayground.yml'),
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`the Playground did not start in 30 s:\n${out}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (opts.inheritOutput) process.stdout.write(chunk);
      const m = /Listening on (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Playground exited (${code}); see ${logFile}:\n${out}`));
    });
  });
  // A config the Playground rejects prints "Listening" and then exits: give it a moment to do so.
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null)
    throw new Error(`the Playground exited (${child.exitCode}); see ${logFile}`);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    logFile,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
