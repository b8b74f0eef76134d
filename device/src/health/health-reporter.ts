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
  /** The screen's blocks (`display`, `player`); absent for an agent without a player. */
  screen?: ScreenTelemetry;
}

/** Adds what the screen knows to each sample; its failure leaves the blocks out, not the sample. */
export interface ScreenTelemetry {
  read(): Promise<Pick<TelemetrySample, 'display' | 'player'>>;
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
      const screen = result.ok ? await readScreen() : {};
      if (stopped) return;
      if (result.ok) options.publish({ ...result.sample, ...screen });
      else log.warn({ missing: result.missing }, 'health sample incomplete; not sent');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'health sample failed');
    }
  }

  async function readScreen(): Promise<Pick<TelemetrySample, 'display' | 'player'>> {
    try {
      return (await options.screen?.read()) ?? {};
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'screen telemetry failed; sent without it');
      return {};
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
