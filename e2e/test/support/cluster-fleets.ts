import { startTestRedis, type TestRedis } from '../../../fleet/test/integration/cluster/test-redis.js';
import { startFleet, tempDir, type FleetProcess } from './processes.js';

export { redisOrSkip } from '../../../fleet/test/integration/cluster/test-redis.js';

/** Several `gatecast serve` processes, as behind a load balancer: one Redis, one store. */
export interface ClusterFleets {
  processes: FleetProcess[];
  redis: TestRedis;
  /** The shared data dir (the admin token is written there). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The store every process shares. THE spot to switch when the store can be PostgreSQL: return
 * `{ GATECAST_DATA_DIR: dataDir, GATECAST_DATABASE_URL: process.env.GATECAST_TEST_DATABASE_URL }`
 * (a fresh database per run) once `GATECAST_DATABASE_URL` exists. The data dir stays shared
 * either way: media, screenshots and releases are files in it.
 */
function sharedStoreEnv(dataDir: string): Record<string, string> {
  return { GATECAST_DATA_DIR: dataDir };
}

/** Starts `count` fleet processes one after the other (the first migrates the store). */
export async function startClusterFleets(count: number): Promise<ClusterFleets> {
  const data = tempDir('e2e-cluster');
  const redis = await startTestRedis();
  const processes: FleetProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((fleet) => fleet.stop()));
    await redis.stop();
    data.remove();
  };
  try {
    for (let index = 1; index <= count; index++) {
      processes.push(
        await startFleet(data.path, {
          ...sharedStoreEnv(data.path),
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
