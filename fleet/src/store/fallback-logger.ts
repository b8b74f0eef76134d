import { pino, type Logger } from 'pino';

/**
 * For repos constructed without a logger (tests, small tools): corrupt rows must still be
 * reported somewhere, so they go to stderr.
 */
export function fallbackLogger(mod: string): Logger {
  return pino({ level: 'warn', base: { mod } }, pino.destination(2));
}
