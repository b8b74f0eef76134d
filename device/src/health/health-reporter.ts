import { loadavg } from 'node:os';
import type { Logger } from 'pino';
import type { TelemetrySample } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import { assembleSample, type ScreenBlocks } from './assemble-sample.js';
import type { HostBlocks, HostTelemetry } from './host-telemetry.js';
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
  /** Power, storage, network, clock and the HDMI output; absent, the sample has the basics only. */
  host?: HostTelemetry;
  /** The 1, 5 and 15 minute load averages; os.loadavg() by default. */
  loadAverage?: () => number[];
}

/** Adds what the screen knows to each sample; its failure leaves the blocks out, not the sample. */
export interface ScreenTelemetry {
  read(): Promise<ScreenBlocks>;
}

export interface HealthReporter {
  start(): void;
  stop(): Promise<void>;
  /** One sample now (after a connect); skipped when a sample is already being taken. */
  sampleNow(): Promise<void>;
  /**
   * A sample that reads the host after this call (something changed): one already under way may
   * have read the old state, so one more follows it.
   */
  sampleFresh(): Promise<void>;
}

export function createHealthReporter(options: HealthReporterOptions): HealthReporter {
  const log = options.log.child({ mod: 'health' });
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
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
      if (!result.ok) return log.warn({ missing: result.missing }, 'health sample incomplete; not sent');
      const [screen, host] = await Promise.all([readScreen(), readHost()]);
      if (stopped) return;
      const loadAverage = (options.loadAverage ?? loadavg)();
      options.publish(assembleSample(result.sample, screen, host, loadAverage));
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'health sample failed');
    }
  }

  async function readScreen(): Promise<ScreenBlocks> {
    try {
      return (await options.screen?.read()) ?? {};
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'screen telemetry failed; sent without it');
      return {};
    }
  }

  async function readHost(): Promise<HostBlocks | null> {
    try {
      return (await options.host?.read()) ?? null;
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'host telemetry failed; sent without it');
      return null;
    }
  }

  function sampleNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    inFlight ??= sample().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function sampleFresh(): Promise<void> {
    if (!inFlight) return sampleNow();
    queued ??= inFlight.then(() => {
      queued = null;
      return sampleNow();
    });
    return queued;
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
      await queued;
    },
    sampleNow,
    sampleFresh,
  };
}
