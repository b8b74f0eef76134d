import { GatecastError, compareReleaseVersions } from '@gatecast/protocol';
import type { WaveSpec } from './rollouts-api.js';
import type { Problem } from './rollout-model.js';

/** BAD_REQUEST unless percentages strictly increase to 100 and `canary` comes only first. */
export function validateWaves(waves: readonly WaveSpec[]): void {
  const fail = (why: string) => {
    throw new GatecastError('BAD_REQUEST', `waves: ${why}`);
  };
  let last = 0;
  waves.forEach((wave, index) => {
    if (wave === 'canary') {
      if (index !== 0) fail('canary may only be the first wave');
      return;
    }
    if (wave <= last) fail(`percentages must strictly increase (${wave} after ${last})`);
    last = wave;
  });
  if (waves.at(-1) !== 100) fail('the last wave must be 100');
}

export interface WaveCandidate {
  deviceId: string;
  gateId: string;
  online: boolean;
  /** Already runs the version (or a newer one): a canary that proves nothing. */
  skipped: boolean;
}

/**
 * Each screen's wave. Canary: one screen per gate, preferring one that will really update, then an
 * online one, then the lowest id. Percentages are cumulative over all screens (rounded up), the
 * canaries counted in; screens fill them in id order.
 */
export function assignWaves(
  waves: readonly WaveSpec[],
  screens: readonly WaveCandidate[],
): Map<string, number> {
  const byId = [...screens].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  const assigned = new Map<string, number>();
  waves.forEach((wave, index) => {
    if (wave === 'canary') {
      const best = new Map<string, WaveCandidate>();
      for (const screen of byId) {
        const current = best.get(screen.gateId);
        if (!current || canaryRank(screen) < canaryRank(current)) best.set(screen.gateId, screen);
      }
      for (const screen of best.values()) assigned.set(screen.deviceId, index);
      return;
    }
    const upTo = Math.ceil((wave * byId.length) / 100);
    for (const screen of byId) {
      if (assigned.size >= upTo) break;
      if (!assigned.has(screen.deviceId)) assigned.set(screen.deviceId, index);
    }
  });
  return assigned;
}

function canaryRank(screen: WaveCandidate): number {
  return (screen.skipped ? 2 : 0) + (screen.online ? 0 : 1);
}

/**
 * Whether a screen needs no hand-over: it runs the version already, or a newer one it would
 * not leave (screens refuse a downgrade unless the release is a signed rollback).
 */
export function skipOf(
  version: string,
  rollbackRelease: boolean,
  agentVersion: string | null,
): { skip: false } | { skip: true; problem: Problem | null } {
  if (agentVersion === null) return { skip: false };
  const order = compareReleaseVersions(agentVersion, version);
  if (order === 0) return { skip: true, problem: null };
  if (order > 0 && !rollbackRelease) {
    return {
      skip: true,
      problem: {
        code: 'UPDATE_DOWNGRADE',
        message: `runs ${agentVersion}, newer than ${version}: it would refuse the downgrade`,
      },
    };
  }
  return { skip: false };
}
