import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import type { Logger } from 'pino';
import type { BrokerBackend } from '../broker/broker.js';
import { openRedis } from './redis-connection.js';

// aedes-persistence-redis 12 ships no types: this is the part used here.
const aedesPersistenceRedis = createRequire(import.meta.url)('aedes-persistence-redis') as (options: {
  conn: Redis;
}) => { destroy(): Promise<void> | void };

/**
 * The broker's cluster parts on Redis: mqemitter-redis carries every publish to every process (a
 * message published on one reaches a screen connected to another, and Aedes' own "$SYS/<id>/new/
 * clients" notice evicts a screen's older session held elsewhere); aedes-persistence-redis keeps
 * retained desired documents and subscriptions where every process sees them.
 */
export function redisBrokerBackend(options: { url: string; processId: string; log: Logger }): BrokerBackend {
  const { url, processId, log } = options;
  return {
    id: processId,
    open() {
      const mq = MQEmitterRedis({
        subConn: openRedis(url, 'broker-sub', log),
        pubConn: openRedis(url, 'broker-pub', log),
      });
      // mqemitter-redis re-emits connection errors here; unhandled, they would end the process.
      (mq as unknown as { state: EventEmitter }).state.on('error', () => undefined);
      const persistence = aedesPersistenceRedis({ conn: openRedis(url, 'broker-store', log) });
      return {
        mq,
        persistence,
        // Aedes closes the emitter itself; the persistence's connection is ours to close.
        close: async () => {
          try {
            await persistence.destroy();
          } catch (error) {
            log.warn({ err: (error as Error).message }, 'broker persistence did not close cleanly');
          }
        },
      };
    },
  };
}
