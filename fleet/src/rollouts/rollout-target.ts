import { GatecastError, compareReleaseVersions } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { Gate } from '../gates/gates-repo.js';
import type { StoredRelease } from '../releases/releases-repo.js';
import type { RolloutTarget } from './rollouts-api.js';

/**
 * The screens a target names: the union of its gates, zones, tags and screens. BAD_REQUEST naming
 * an unknown gate, zone or screen, or when the union is empty.
 */
export function resolveTarget(
  target: RolloutTarget,
  devices: readonly DeviceRecord[],
  gates: readonly Gate[],
): DeviceRecord[] {
  const gateById = new Map(gates.map((gate) => [gate.id, gate]));
  for (const gateId of target.gates) {
    if (!gateById.has(gateId))
      throw new GatecastError('BAD_REQUEST', `target: gate ${gateId} does not exist`);
  }
  for (const pair of target.zones) {
    const [gateId = '', zoneId = ''] = pair.split('/');
    if (!gateById.get(gateId)?.zones.some((zone) => zone.id === zoneId)) {
      throw new GatecastError('BAD_REQUEST', `target: zone ${pair} does not exist`);
    }
  }
  const known = new Set(devices.map((device) => device.id));
  for (const deviceId of target.devices) {
    if (!known.has(deviceId))
      throw new GatecastError('BAD_REQUEST', `target: screen ${deviceId} does not exist`);
  }
  const gateIds = new Set(target.gates);
  const zones = new Set(target.zones);
  const tags = new Set(target.tags);
  const ids = new Set(target.devices);
  const chosen = devices.filter(
    (device) =>
      gateIds.has(device.gateId) ||
      zones.has(`${device.gateId}/${device.zoneId}`) ||
      device.tags.some((tag) => tags.has(tag)) ||
      ids.has(device.id),
  );
  if (chosen.length === 0) throw new GatecastError('BAD_REQUEST', 'the target names no screen');
  return chosen;
}

/**
 * Why screens that took `fromVersion` would refuse `to`, or null when they would take it:
 * screens accept only a newer release or a signed rollback release.
 */
export function rollbackRefusal(fromVersion: string, to: StoredRelease): string | null {
  if (to.manifest.rollback || compareReleaseVersions(to.version, fromVersion) > 0) return null;
  return (
    `screens running ${fromVersion} would refuse ${to.version}: it is not newer and not a signed ` +
    'rollback release (publish one with rollback: true, or a newer version)'
  );
}

/** The reported agent version, as the rollout compares it (the reported state first). */
export function agentVersionOf(device: DeviceRecord): string | null {
  return device.reported?.agentVersion ?? device.agentVersion;
}
