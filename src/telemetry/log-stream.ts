import { logs, SeverityNumber, type AnyValue, type Logger } from '@opentelemetry/api-logs';

/** pino's numeric levels as OpenTelemetry severities. */
const SEVERITY: Record<number, [SeverityNumber, string]> = {
  10: [SeverityNumber.TRACE, 'TRACE'],
  20: [SeverityNumber.DEBUG, 'DEBUG'],
  30: [SeverityNumber.INFO, 'INFO'],
  40: [SeverityNumber.WARN, 'WARN'],
  50: [SeverityNumber.ERROR, 'ERROR'],
  60: [SeverityNumber.FATAL, 'FATAL'],
};

/**
 * A pino destination that hands each log line to OpenTelemetry's logs API, so Azure Monitor gets
 * them as traces (and an `err` as an exception). Lines arrive already redacted by the logger.
 */
export function openTelemetryLogStream(logger: Logger = logs.getLogger('ctac')): {
  write(line: string): void;
} {
  return {
    write(line) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const { level, time, msg, err, pid: _pid, hostname: _hostname, ...fields } = record;
      const [severityNumber, severityText] = SEVERITY[Number(level)] ?? SEVERITY[30]!;
      const attributes: Record<string, AnyValue> = {};
      for (const [key, value] of Object.entries(fields))
        attributes[key] =
          value === null || typeof value === 'object' ? JSON.stringify(value) : (value as AnyValue);
      if (err && typeof err === 'object') {
        const e = err as { type?: string; message?: string; stack?: string };
        attributes['exception.type'] = e.type ?? 'Error';
        attributes['exception.message'] = e.message ?? '';
        if (e.stack) attributes['exception.stacktrace'] = e.stack;
      }
      logger.emit({
        severityNumber,
        severityText,
        body: typeof msg === 'string' ? msg : '',
        timestamp: typeof time === 'number' ? new Date(time) : undefined,
        attributes,
      });
    },
  };
}
