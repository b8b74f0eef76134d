import { startTestRedis, type TestRedis } from '../../../fleet/test/integration/cluster/test-redis.js';
import { freshPostgresSchema } from '../../../fleet/test/integration/store/both-stores.js';
import { startFleet, tempDir, type FleetProcess } from './processes.js';

export { redisOrSkip } from '../../../fleet/test/integration/cluster/test-redis.js';
export { missingStore } from '../../../fleet/test/integration/store/both-stores.js';

/**
 * Several `gatecast serve` processes, as behind a load balancer: one Redis, one PostgreSQL store
 * (a fresh schema per run). They also share the data dir, as a deployment shares it on a network
 * file system: media, screenshots and releases are files in it, and the admin token is written there.
 */
export interface ClusterFleets {
  processes: FleetProcess[];
  redis: TestRedis;
  /** The shared data dir (the admin token is written there). */
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `count` fleet processes one after the other (the first migrates the store). */
export async function startClusterFleets(count: number): Promise<ClusterFleets> {
  const data = tempDir('e2e-cluster');
  const redis = await startTestRedis();
  const store = await freshPostgresSchema();
  const processes: FleetProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((fleet) => fleet.stop()));
    await redis.stop();
    await store.drop();
    data.remove();
  };
  try {
    for (let index = 1; index <= count; index++) {
      processes.push(
        await startFleet(data.path, {
          GATECAST_DATA_DIR: data.path,
          GATECAST_DATABASE_URL: store.databaseUrl,
          GATECAST_REDIS_URL: redis.url,
          GATECAST_PROCESS_ID: `e2e-fleet-${index}`,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { processes, redis, dataDir: data.path, stop };
}
