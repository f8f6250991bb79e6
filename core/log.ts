import { pino, type Logger } from 'pino';

export type { Logger };

/** The process logger: JSON lines on stderr, level from `LOG_LEVEL` (default `info`). */
export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'kuzet',
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      // Secrets never reach the log, whatever object is logged.
      redact: { paths: ['*.token', '*.password', '*.secret', '*.databaseUrl', '*.smtpUrl', 'config.*'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
