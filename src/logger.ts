import pino, { type Logger } from 'pino';

/** Structured logs; credentials and tokens are never written, whatever path they arrive by. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'ctac' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-ctac-signature"]',
          'headers.authorization',
          '*.password',
          '*.secret',
          '*.token',
          'config.bot.password',
          'config.webhookSecret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
