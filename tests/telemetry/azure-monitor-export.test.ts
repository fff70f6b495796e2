import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { trace } from '@opentelemetry/api';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import type { RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { startTelemetry, type Telemetry } from '../../src/telemetry';
import { sendSignedAlert } from '../helpers/alert-webhook';
import { startAppOn } from '../helpers/app-fixture';
import { guardLoopback } from './loopback-guard';

const SECRET = 'test-secret-0123456789abcdef';
const received: string[] = [];
let ingestion: https.Server;
const realTlsConnect = tls.connect;
let guard: ReturnType<typeof guardLoopback>;
let telemetry: Telemetry;
let azurite: EmbeddedAzurite;
let app: RunningApp;
const clock = new FakeClock('2026-11-28T09:00:00Z');

/**
 * A stand-in for Application Insights' ingestion endpoint: it keeps every envelope it is sent. The
 * exporter always sends over https, so it has a self-signed certificate for 127.0.0.1 (test only).
 */
function startIngestion(): Promise<https.Server> {
  const options = { key: pem('loopback-test-key.pem'), cert: pem('loopback-test-cert.pem') };
  const server = https.createServer(options, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push(`${req.method} ${req.url} ${body.toString('utf8')}`);
      const items = (body.toString('utf8').match(/"iKey"/g) ?? []).length;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items, itemsAccepted: items, errors: [] }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const pem = (name: string) => fs.readFileSync(path.join(__dirname, name));

/** The exporter's connections to the local endpoint trust its test certificate (and only those). */
function trustIngestionCertificate(port: number): void {
  const ca = [pem('loopback-test-cert.pem')];
  tls.connect = ((options: tls.ConnectionOptions, ...rest: unknown[]) =>
    (realTlsConnect as (...a: unknown[]) => tls.TLSSocket)(
      typeof options === 'object' && Number(options.port) === port ? { ...options, ca } : options,
      ...rest,
    )) as typeof tls.connect;
}

async function until(found: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!found()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; got:\n${received.join('\n').slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  guard = guardLoopback();
  ingestion = await startIngestion();
  const { port } = ingestion.address() as AddressInfo;
  trustIngestionCertificate(port);
  const connectionString = `InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://127.0.0.1:${port}/`;
  telemetry = await startTelemetry(
    loadConfig({ NODE_ENV: 'test', APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString })
      .telemetry,
    { metricExportIntervalMs: 300, offlineStorage: false },
  );
  azurite = await startEmbeddedAzurite();
  app = await startAppOn(azurite.connectionString, SECRET, { clock, telemetry });
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
  await telemetry?.shutdown();
  await new Promise((r) => ingestion.close(r));
  guard.restore();
  tls.connect = realTlsConnect;
});

describe('telemetry with APPLICATIONINSIGHTS_CONNECTION_STRING (a local ingestion endpoint)', () => {
  it('when an alert is ingested, then its metric reaches the ingestion endpoint, and nothing else is contacted', async () => {
    const res = await sendSignedAlert(
      app.url,
      SECRET,
      { source: 'incident', id: 'CSOC-2026-0101', title: 'Telemetry check', severity: 'high' },
      clock.now(),
    );
    expect(res.status).toBe(201);

    await until(() => received.some((r) => r.includes('ctac.alerts.ingested')), 'the metric');
    const metric = received.find((r) => r.includes('ctac.alerts.ingested'))!;
    expect(metric).toMatch(/^POST \/v2(\.1)?\/track /);
    expect(metric).toContain('"severity":"high"');
    // The job loops and the outbox report too.
    await until(() => received.some((r) => r.includes('ctac.jobs.lag_seconds')), 'job lag');
    await until(() => received.some((r) => r.includes('ctac.outbox.depth')), 'outbox depth');

    expect(guard.attempts).toEqual([]);
  }, 30_000);

  it('when CTAC logs and traces, then the log line and the span reach the ingestion endpoint', async () => {
    const logger = createLogger('info', telemetry.logDestination);
    logger.info({ alertId: 'a-1' }, 'telemetry log check');
    trace.getTracer('ctac').startSpan('telemetry span check').end();
    await telemetry.shutdown();
    await until(() => received.some((r) => r.includes('telemetry log check')), 'the log line');
    await until(() => received.some((r) => r.includes('telemetry span check')), 'the span');
    expect(guard.attempts).toEqual([]);
  }, 30_000);
});
