import type { DesiredDocument } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { DeviceView } from './api-schemas.js';

/** The API's picture of one device: the stored record joined with live connection and desired state. */
export function toDeviceView(
  device: DeviceRecord,
  live: { connected: boolean; desired: DesiredDocument | undefined },
): DeviceView {
  const desiredVersion = live.desired?.version ?? null;
  const appliedVersion = device.reported?.appliedVersion ?? null;
  return {
    id: device.id,
    name: device.name,
    gateId: device.gateId,
    zoneId: device.zoneId,
    tags: device.tags,
    createdAt: device.createdAt,
    presence: device.presence,
    connected: live.connected,
    agentVersion: device.agentVersion,
    desiredVersion,
    appliedVersion,
    inSync: desiredVersion !== null && appliedVersion === desiredVersion,
    reported: device.reported,
    lastTelemetry: device.lastTelemetry,
    lastTelemetryAt: device.lastTelemetryAt,
  };
}
