import { GatecastError } from '@gatecast/protocol';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withoutPassword } from '../config.js';

const PROBE_TIMEOUT_MS = 3_000;
/** A Redis that stays away is reported this often, not on every reconnect attempt. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Start: Redis must answer now, or the process refuses to start with one clear line (a cluster
 * process without Redis would serve its own screens only, silently split from the others).
 */
export async function probeRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than the rejection ("Connection is closed").
  let socketError: Error | undefined;
  probe.on('error', (error: Error) => (socketError ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = ((socketError ?? (error as Error)).message || String(error)).split('\n')[0];
    throw new GatecastError('UNAVAILABLE', `cannot reach Redis at ${withoutPassword(url)}: ${reason}`);
  } finally {
    probe.disconnect();
  }
}

/**
 * A connection for the running fleet: it reconnects by itself after Redis restarts, and its errors
 * are logged (at most every 30 s) instead of crashing the process as an unhandled 'error' would.
 */
export function openRedis(url: string, purpose: string, log: Logger): Redis {
  const redis = new Redis(url, { connectionName: `gatecast-${purpose}` });
  let lastLogged = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = now;
    log.error({ purpose, err: error.message }, 'Redis connection failed; reconnecting');
  });
  return redis;
}

/** Closes politely, but never waits on a Redis that is away: after a second the socket is cut. */
export async function closeRedis(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1_000);
    timer.unref();
  });
  await Promise.race([
    redis.quit().then(
      () => undefined,
      () => undefined,
    ),
    cut,
  ]);
  clearTimeout(timer);
  redis.disconnect();
}
