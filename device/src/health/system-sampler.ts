import { statfs } from 'node:fs/promises';
import { freemem, totalmem, uptime } from 'node:os';
import type { Logger } from 'pino';
import si from 'systeminformation';
import type { HealthReadings, HealthSampler } from './readings.js';

/**
 * Reads the host through systeminformation. Each probe is on its own: one that fails yields
 * null and a log line, and the others still count. The disk is the filesystem holding dataDir,
 * read with statfs(2) on that very path rather than guessed from the mount table.
 */
export function createSystemSampler(options: { dataDir: string; log: Logger }): HealthSampler {
  const log = options.log.child({ mod: 'health-sampler' });

  async function probe<T>(name: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      log.warn({ probe: name, err: (error as Error).message }, 'health probe failed');
      return null;
    }
  }

  return {
    async read(): Promise<HealthReadings> {
      const [load, temperature, memory, disk] = await Promise.all([
        probe('cpu-load', async () => (await si.currentLoad()).currentLoad),
        probe('cpu-temperature', async () => (await si.cpuTemperature()).main),
        probe('memory', readMemory),
        probe('disk', () => readDisk(options.dataDir)),
      ]);
      return { uptimeSec: uptime(), cpuLoadPercent: load, cpuTemperatureC: temperature, memory, disk };
    },
  };
}

/** "Active" memory excludes page cache, which Linux hands back on demand. */
async function readMemory(): Promise<{ totalBytes: number; usedBytes: number }> {
  try {
    const mem = await si.mem();
    return { totalBytes: mem.total, usedBytes: mem.active };
  } catch {
    return { totalBytes: totalmem(), usedBytes: totalmem() - freemem() };
  }
}

async function readDisk(path: string): Promise<{ totalBytes: number; usedBytes: number }> {
  const stats = await statfs(path);
  return { totalBytes: stats.blocks * stats.bsize, usedBytes: (stats.blocks - stats.bfree) * stats.bsize };
}
