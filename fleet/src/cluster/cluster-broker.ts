import type { Broker } from '../broker/broker.js';

/**
 * The broker as the HTTP API and the command client see it in a cluster: a screen connected to
 * any process counts as connected, and a kick (revocation, removal) reaches whichever process
 * holds the screen. Publishing already reaches every process through Redis.
 */
export function clusterWideBroker(
  local: Broker,
  cluster: {
    /** Another live process holds the screen's connection (its claim in the store). */
    heldElsewhere(deviceId: string): boolean;
    kickElsewhere(deviceId: string): void;
  },
): Broker {
  return {
    start: () => local.start(),
    stop: () => local.stop(),
    publishToDevice: (deviceId, kind, payload) => local.publishToDevice(deviceId, kind, payload),
    clearRetained: (deviceId) => local.clearRetained(deviceId),
    kick(deviceId) {
      const here = local.kick(deviceId);
      const elsewhere = cluster.heldElsewhere(deviceId);
      // Always told: a screen may be mid-move, claimed here but connecting there.
      cluster.kickElsewhere(deviceId);
      return here || elsewhere;
    },
    isConnected: (deviceId) => local.isConnected(deviceId) || cluster.heldElsewhere(deviceId),
    connectedDeviceIds: () => local.connectedDeviceIds(),
    stats: () => local.stats(),
  };
}
