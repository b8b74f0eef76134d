import type { NetworkInterfaceInfo } from 'node:os';
import type { SelfTestCheck } from '@gatecast/protocol';
import type { ClockSync, ToolRunner } from '../hardware/clock-sync.js';
import type { DisplayPower } from '../hardware/display-power.js';

/** What one check finds; the runner adds the check's name. */
export type CheckOutcome = Omit<SelfTestCheck, 'check' | 'details'> & {
  details?: Record<string, string | number | boolean | null>;
};

/**
 * The hardware edges of the self-test, each defaulting to the real machine: kernel trees under
 * configurable roots, processes through `exec`, the TV behind the existing CEC interface. Unit
 * tests point the roots at fake trees and hand in fake tools.
 */
export interface SelfTestProbes {
  /** `/sys` by default. */
  sysRoot?: string;
  /** `/proc` by default. */
  procRoot?: string;
  /** `/dev` by default: where `cec*` adapters appear. */
  devRoot?: string;
  /** Runs `fc-list` and the like without a shell. */
  exec?: ToolRunner;
  /** The TV over HDMI-CEC (cec-ctl by default). */
  cec?: DisplayPower;
  /** NTP state (timedatectl by default). */
  clockSync?: ClockSync;
  addresses?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  ssid?: (iface: string) => Promise<string | null>;
  /** Bytes the storage test writes (32 MiB). */
  storageBytes?: number;
  /** For the storage speed; performance.now() by default. */
  monotonicMs?: () => number;
  /** Each fleet probe's limit (5 s). */
  fleetTimeoutMs?: number;
  /** How long the clock check waits for NTP to settle before it fails (0: ask once). */
  clockSettleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_STORAGE_BYTES = 32 * 1024 * 1024;
export const DEFAULT_FLEET_TIMEOUT_MS = 5_000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a failure happened in one line: a GatecastError's or any Error's message. */
export function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? '';
}
