import pino from 'pino';
import { noMetrics, type Metrics } from '../app/metrics';

/** From config: APPLICATIONINSIGHTS_CONNECTION_STRING. */
export interface TelemetrySettings {
  connectionString?: string;
}

export interface TelemetryOptions {
  /** How often metrics are exported (the distro's default is 60 s); tests make it short. */
  metricExportIntervalMs?: number;
  /** Keeps exports that failed on disk to send later (the default); tests turn it off. */
  offlineStorage?: boolean;
}

export interface Telemetry {
  /** Recorded and exported when on; no-ops when off. */
  metrics: Metrics;
  /** When on: where the logger writes, stdout and Azure Monitor both. Off: undefined (stdout). */
  logDestination?: pino.DestinationStream;
  /** Sends what is still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

const off: Telemetry = { metrics: noMetrics, shutdown: async () => undefined };

/**
 * Starts Azure Monitor (traces, metrics, logs through OpenTelemetry) when a connection string is
 * configured; call it before anything else is set up. Without one the distro is never loaded and
 * nothing is recorded or sent. The distro is an optional dependency (about 76 MB installed).
 */
export async function startTelemetry(
  settings: TelemetrySettings,
  options: TelemetryOptions = {},
): Promise<Telemetry> {
  const connectionString = settings.connectionString;
  if (!connectionString) return off;
  // Only what the connection string names may be contacted. Statsbeat (the SDK's own usage data,
  // sent to Microsoft's endpoint) and its SDK stats are off; live metrics are off below. Env only.
  process.env['APPLICATION_INSIGHTS_NO_STATSBEAT'] ??= 'true';
  process.env['APPLICATIONINSIGHTS_STATSBEAT_DISABLED'] ??= 'true';
  process.env['APPLICATIONINSIGHTS_SDKSTATS_DISABLED'] ??= 'true';
  if (options.metricExportIntervalMs)
    process.env['OTEL_METRIC_EXPORT_INTERVAL'] = String(options.metricExportIntervalMs);

  let distro: typeof import('@azure/monitor-opentelemetry');
  try {
    distro = await import('@azure/monitor-opentelemetry');
  } catch (e) {
    throw new Error(
      'APPLICATIONINSIGHTS_CONNECTION_STRING is set but @azure/monitor-opentelemetry (an optional ' +
        'dependency) is not installed: install it, or unset the variable',
      { cause: e },
    );
  }
  // CTAC runs in App Service, not on a VM: the distro would ask the VM metadata address
  // (169.254.169.254) on every start, which App Service does not answer and tests must never reach.
  const { azureVmDetector } = await import('@opentelemetry/resource-detector-azure');
  azureVmDetector.detect = () => ({ attributes: {} });

  distro.useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString,
      disableOfflineStorage: options.offlineStorage === false,
    },
    enableLiveMetrics: false,
  });
  // Instruments and the log bridge come after the distro has set the global providers.
  const { openTelemetryMetrics } = await import('./otel-metrics');
  const { openTelemetryLogStream } = await import('./log-stream');
  return {
    metrics: openTelemetryMetrics(),
    logDestination: pino.multistream([
      { level: 'trace', stream: pino.destination(1) },
      { level: 'trace', stream: openTelemetryLogStream() },
    ]),
    shutdown: async () => {
      await distro.shutdownAzureMonitor();
    },
  };
}
