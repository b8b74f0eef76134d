import type { Logger } from 'pino';
import type { TelemetrySample } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import { toTelemetry, type HealthSampler } from './readings.js';

export interface HealthReporterOptions {
  sampler: HealthSampler;
  intervalSec: number;
  agentVersion: string;
  clock: Clock;
  log: Logger;
  publish(sample: TelemetrySample): void;
}

export interface HealthReporter {
  start(): void;
  stop(): Promise<void>;
  /** One sample now (after a connect); skipped when a sample is already being taken. */
  sampleNow(): Promise<void>;
}

export function createHealthReporter(options: HealthReporterOptions): HealthReporter {
  const log = options.log.child({ mod: 'health' });
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  async function sample(): Promise<void> {
    try {
      const readings = await options.sampler.read();
      if (stopped) return;
      const agent = {
        version: options.agentVersion,
        rssBytes: process.memoryUsage.rss(),
        uptimeSec: Math.round(process.uptime()),
      };
      const result = toTelemetry(readings, agent, options.clock.now());
      if (result.ok) options.publish(result.sample);
      else log.warn({ missing: result.missing }, 'health sample incomplete; not sent');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'health sample failed');
    }
  }

  function sampleNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    inFlight ??= sample().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => void sampleNow(), options.intervalSec * 1000);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await inFlight;
    },
    sampleNow,
  };
}
