import { GatecastError, type ReleasePublicKey } from '@gatecast/protocol';
import { generateDeviceSecret, hashSecret } from '../devices/device-secrets.js';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { DeviceEventsRepo } from '../events/device-events-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import { buildGateCommissioning } from './commissioning-report.js';
import type { GateCommissioning, LatestSelfTest } from './commissioning-schemas.js';

export interface CommissioningDeps {
  devices: Pick<DevicesRepo, 'get' | 'list' | 'replaceCredential'>;
  deviceEvents: Pick<DeviceEventsRepo, 'list'>;
  gates: Pick<GatesRepo, 'get'>;
  /** The release-signing keys the fleet trusts: what a provisioned screen pins. */
  releaseKeys: readonly ReleasePublicKey[];
  now?: () => Date;
}

/**
 * Self-test reports are `self-test` device events, already stored by kind: this reads the latest
 * per screen, so no table of its own is needed. It also rotates a screen's secret for
 * `gatecast provision`, since the fleet keeps only a hash and cannot hand out the old one.
 */
export class CommissioningService {
  constructor(private readonly deps: CommissioningDeps) {}

  async latest(deviceId: string): Promise<LatestSelfTest> {
    const [stored] = (await this.deps.deviceEvents.list(deviceId, { kind: 'self-test', limit: 1 })).events;
    const event = stored?.event;
    if (!stored || event?.kind !== 'self-test') {
      return { deviceId, report: null, eventId: null, at: null, receivedAt: null };
    }
    return {
      deviceId,
      report: event.report,
      eventId: stored.id,
      at: stored.at,
      receivedAt: stored.receivedAt,
    };
  }

  async gate(gateId: string): Promise<GateCommissioning> {
    const gate = await this.deps.gates.get(gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
    const zoneNames = new Map(gate.zones.map((zone) => [zone.id, zone.name]));
    const screens = [];
    for (const device of await this.deps.devices.list({ gateId })) {
      screens.push({
        deviceId: device.id,
        name: device.name,
        zoneId: device.zoneId,
        zoneName: zoneNames.get(device.zoneId) ?? device.zoneId,
        agentVersion: device.agentVersion,
        latest: await this.latest(device.id),
      });
    }
    const now = (this.deps.now ?? (() => new Date()))();
    return buildGateCommissioning({ id: gate.id, name: gate.name }, screens, now.toISOString());
  }

  /** A fresh secret replaces the stored hash; the old secret stops working at the next connect. */
  async rotateSecret(deviceId: string): Promise<string> {
    const secret = generateDeviceSecret();
    if (!(await this.deps.devices.replaceCredential(deviceId, hashSecret(secret)))) {
      throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
    }
    return secret;
  }

  releaseKeys(): ReleasePublicKey[] {
    return [...this.deps.releaseKeys];
  }
}
