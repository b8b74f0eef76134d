import type { RolloutScreenState, RolloutState, WaveSpec } from './rollouts-api.js';

export type WaitingReason = 'maintenance-window' | 'announcement';

export interface Problem {
  code: string;
  message: string;
}

/** The target as stored: every list present. */
export interface StoredTarget {
  gates: string[];
  zones: string[];
  tags: string[];
  devices: string[];
}

/** A rollout as the store keeps it. */
export interface Rollout {
  id: string;
  version: string;
  state: RolloutState;
  pauseReason: string | null;
  target: StoredTarget;
  waves: WaveSpec[];
  /** Every gate its screens are in: who may act on it, and who may see it. */
  gates: string[];
  currentWave: number;
  maxFailures: number;
  /** Failures a resume accepted; only failures beyond these count against maxFailures. */
  failuresAccepted: number;
  ignoreMaintenanceWindows: boolean;
  rollbackOf: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** The assignment a screen had before a rollout handed it its release. */
export interface Assignment {
  version: string;
  rolloutId: string | null;
}

export interface RolloutScreen {
  rolloutId: string;
  deviceId: string;
  name: string;
  gateId: string;
  zoneId: string | null;
  wave: number;
  state: RolloutScreenState;
  waitingFor: WaitingReason | null;
  fromVersion: string | null;
  previous: Assignment | null;
  problem: Problem | null;
  updatedAt: string;
}

export const ACTIVE_STATES: readonly RolloutState[] = ['running', 'paused'];

/** A screen whose part in the rollout is over (a wave is done when all its screens are). */
export function isSettled(state: RolloutScreenState): boolean {
  return state === 'committed' || state === 'skipped' || state === 'failed';
}
