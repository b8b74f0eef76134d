import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A Redis for cluster tests: GATECAST_TEST_REDIS_URL, or a private redis-server started here. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

const REDIS_SERVER = 'redis-server';

/**
 * Whether the cluster tests can run. In CI a missing redis-server is a failure (it must be
 * installed there); on a developer's machine the tests are skipped with the reason printed.
 */
export function redisOrSkip(): boolean {
  if (process.env.GATECAST_TEST_REDIS_URL) return true;
  if (spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  const reason = `${REDIS_SERVER} not found on PATH (install Debian's "redis-server" or set GATECAST_TEST_REDIS_URL)`;
  if (process.env.CI) throw new Error(`the cluster tests need Redis: ${reason}`);
  console.error(`skipping the cluster tests (several fleet processes on Redis): ${reason}`);
  return false;
}

/** The given Redis, or a redis-server on a free loopback port, without disk writes, in a temp dir. */
export async function startTestRedis(): Promise<TestRedis> {
  const given = process.env.GATECAST_TEST_REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'gatecast-redis-'));
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The test runner may die without its hooks: the server must not outlive it.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}/0`;
  try {
    await waitForPing(url, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`redis-server did not start: ${(error as Error).message}\n${output}`);
  }
  return { url, stop };
}

async function waitForPing(url: string, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (gone()) throw new Error('it exited');
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
