import { metrics, trace } from '@opentelemetry/api';
import { noMetrics } from '../../src/app/metrics';
import { startTelemetry } from '../../src/telemetry';

let mockDistroLoaded = false;
jest.mock('@azure/monitor-opentelemetry', () => {
  mockDistroLoaded = true;
  return jest.requireActual('@azure/monitor-opentelemetry');
});

describe('telemetry without APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('when no connection string is set, then the distro is never loaded, nothing listens and nothing is recorded', async () => {
    const before = process.getActiveResourcesInfo().sort();

    const telemetry = await startTelemetry({ connectionString: undefined });
    const blank = await startTelemetry({ connectionString: '' });

    expect(mockDistroLoaded).toBe(false);
    expect(Object.keys(require.cache).filter((p) => p.includes('monitor-opentelemetry'))).toEqual(
      [],
    );
    expect(telemetry.metrics).toBe(noMetrics);
    expect(blank.metrics).toBe(noMetrics);
    expect(telemetry.logDestination).toBeUndefined();
    expect(process.getActiveResourcesInfo().sort()).toEqual(before);
    // No global OpenTelemetry provider was set: instruments and tracers stay no-ops.
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
    expect(trace.getTracer('ctac').startSpan('x').isRecording()).toBe(false);
    await telemetry.shutdown();
  });
});
