import type { DeviceRecord } from '../devices/devices-repo.js';
import {
  ROLLOUT_SCREEN_STATES,
  type RolloutCounts,
  type RolloutScreenView,
  type RolloutSummary,
  type RolloutView,
} from './rollouts-api.js';
import type { Rollout, RolloutScreen } from './rollout-model.js';
import { agentVersionOf } from './rollout-target.js';

function countsOf(screens: readonly RolloutScreen[]): RolloutCounts {
  const counts = Object.fromEntries(ROLLOUT_SCREEN_STATES.map((state) => [state, 0])) as Omit<
    RolloutCounts,
    'screens'
  >;
  for (const screen of screens) counts[screen.state]++;
  return { screens: screens.length, ...counts };
}

export function summaryOf(rollout: Rollout, screens: readonly RolloutScreen[]): RolloutSummary {
  return {
    id: rollout.id,
    version: rollout.version,
    state: rollout.state,
    pauseReason: rollout.pauseReason,
    target: rollout.target,
    waves: rollout.waves,
    currentWave: rollout.currentWave,
    maxFailures: rollout.maxFailures,
    ignoreMaintenanceWindows: rollout.ignoreMaintenanceWindows,
    rollbackOf: rollout.rollbackOf,
    totals: countsOf(screens),
    createdBy: rollout.createdBy,
    createdAt: rollout.createdAt,
    updatedAt: rollout.updatedAt,
    finishedAt: rollout.finishedAt,
  };
}

function waveState(rollout: Rollout, index: number): 'pending' | 'active' | 'done' {
  if (index < rollout.currentWave || rollout.state === 'completed') return 'done';
  if (index === rollout.currentWave && (rollout.state === 'running' || rollout.state === 'paused')) {
    return 'active';
  }
  return 'pending';
}

export function viewOf(
  rollout: Rollout,
  screens: readonly RolloutScreen[],
  deviceOf: (deviceId: string) => DeviceRecord | undefined,
): RolloutView {
  return {
    ...summaryOf(rollout, screens),
    waveProgress: rollout.waves.map((wave, index) => ({
      index,
      label: wave === 'canary' ? 'canary' : `${wave} %`,
      state: waveState(rollout, index),
      ...countsOf(screens.filter((screen) => screen.wave === index)),
    })),
    screens: screens.map((screen) => screenViewOf(rollout, screen, deviceOf(screen.deviceId))),
  };
}

function screenViewOf(
  rollout: Rollout,
  screen: RolloutScreen,
  device: DeviceRecord | undefined,
): RolloutScreenView {
  const update = device?.reported?.update;
  const ours = update?.targetVersion === rollout.version ? update : undefined;
  return {
    deviceId: screen.deviceId,
    name: screen.name,
    gateId: screen.gateId,
    zoneId: screen.zoneId,
    wave: screen.wave,
    state: screen.state,
    waitingFor: screen.waitingFor,
    fromVersion: screen.fromVersion,
    agentVersion: device ? agentVersionOf(device) : null,
    updateState: ours?.state ?? null,
    downloadedBytes: ours?.downloadedBytes ?? null,
    problem: screen.problem,
    online: device?.presence.state === 'online',
    updatedAt: screen.updatedAt,
  };
}
