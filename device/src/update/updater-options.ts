import type { Logger } from 'pino';
import type { AgentConfig, DesiredDocument, DeviceEvent } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import type { HealthProbe } from './health-gate.js';

export interface UpdateTiming {
  retryMinMs: number;
  retryMaxMs: number;
  /** How often the switch looks again whether an announcement still shows. */
  announcementPollMs: number;
  healthPollMs: number;
  /** Download progress is reported at most this often. */
  progressReportMs: number;
}

export const DEFAULT_UPDATE_TIMING: UpdateTiming = {
  retryMinMs: 15_000,
  retryMaxMs: 600_000,
  announcementPollMs: 2_000,
  healthPollMs: 1_000,
  progressReportMs: 1_000,
};

export interface UpdaterOptions {
  dataDir: string;
  /** Null when the agent does not run from an install root: updates are refused. */
  installRoot: string | null;
  runningVersion: string;
  updates: AgentConfig['updates'];
  clock: Clock;
  /** A health gate start written before this time is not believed (see effectiveHealthSince). */
  buildTime: Date;
  log: Logger;
  probe: HealthProbe;
  /** Whether the document's schedule shows an announcement now: the switch never interrupts one. */
  announcementShowing(desired: DesiredDocument): boolean;
  headers?: (url: URL) => Record<string, string>;
  emitEvent(event: DeviceEvent): Promise<boolean>;
  onStatus(): void;
  requestRestart(reason: string): void;
  timing?: Partial<UpdateTiming>;
  env?: NodeJS.ProcessEnv;
  freeBytes?: (dir: string) => Promise<number>;
  monotonicMs?: () => number;
}
