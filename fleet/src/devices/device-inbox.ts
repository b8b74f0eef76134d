import type { DeviceEvent, ParsedMessage } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { BrokerHandlers, DisconnectCause } from '../broker/broker.js';
import type { CommandClient } from '../commands/command-client.js';
import type { DeviceEventsRepo } from '../events/device-events-repo.js';
import type { DevicesRepo } from './devices-repo.js';
import type { FleetEvents } from './fleet-events.js';

export interface DeviceInboxDeps {
  devices: DevicesRepo;
  commands: CommandClient;
  log: Logger;
  /** Where events (proof of play) are stored once each; without it they are only logged. */
  deviceEvents?: Pick<DeviceEventsRepo, 'save'>;
  /** Told after each stored change, for live views; optional so the inbox works without them. */
  events?: Pick<FleetEvents, 'deviceChanged'>;
  now?: () => Date;
}

/**
 * Turns broker signals into store updates, one statement per message (this is the hot path
 * of every telemetry sample). Events are written asynchronously, in arrival order per device.
 * Times are the fleet's clock: a screen's clock may be wrong.
 * Messages from devices no longer in the store are ignored with a log line.
 */
export class DeviceInbox implements BrokerHandlers {
  private readonly deps: DeviceInboxDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  /** Each device's last event write: the next one waits for it, so a device's events land in order. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(deps: DeviceInboxDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'inbox' });
    this.now = deps.now ?? (() => new Date());
  }

  onDeviceMessage(message: ParsedMessage): void {
    try {
      this.dispatch(message);
    } catch (error) {
      // A store failure (disk full, locked) costs this message, never the broker's loop.
      this.log.error(
        { deviceId: message.deviceId, kind: message.kind, err: (error as Error).message },
        'message not stored',
      );
    }
  }

  onDeviceConnected(deviceId: string): void {
    this.presence(deviceId, 'online');
  }

  onDeviceDisconnected(deviceId: string, cause: DisconnectCause): void {
    this.log.debug({ deviceId, cause }, 'device disconnected');
    this.presence(deviceId, 'offline');
  }

  private dispatch(message: ParsedMessage): void {
    const { devices } = this.deps;
    const at = this.now().toISOString();
    const { deviceId } = message;
    switch (message.kind) {
      case 'status':
        return this.stored(
          message,
          devices.setPresence(deviceId, message.payload.state, at, message.payload.agentVersion),
        );
      case 'reported':
        return this.stored(message, devices.saveReported(deviceId, message.payload, at));
      case 'telemetry':
        return this.stored(message, devices.saveTelemetry(deviceId, message.payload, at));
      case 'events':
        if (!devices.exists(deviceId)) return this.stored(message, false);
        return this.queueEvent(deviceId, message.payload, at);
      case 'cmd/res':
        return this.deps.commands.handleResult(deviceId, message.payload);
      case 'desired':
      case 'cmd/req':
        this.log.warn({ deviceId, kind: message.kind }, 'fleet-bound message of a fleet-sent kind ignored');
        return;
    }
  }

  /**
   * The broker's handler is synchronous and the store is not: the write starts now, after the
   * device's earlier writes, and a failure is logged as the synchronous store's was.
   */
  private queueEvent(deviceId: string, event: DeviceEvent, receivedAt: string): void {
    const previous = this.writes.get(deviceId) ?? Promise.resolve();
    const write = previous
      .then(() => this.storeEvent(deviceId, event, receivedAt))
      .catch((error: unknown) =>
        this.log.error({ deviceId, kind: 'events', err: (error as Error).message }, 'message not stored'),
      )
      .finally(() => {
        if (this.writes.get(deviceId) === write) this.writes.delete(deviceId);
      });
    this.writes.set(deviceId, write);
  }

  /** Resolves once every event write started so far is done: the fleet waits before closing the store. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes.values());
  }

  /** A resent event (after a crash or a flapping link) has an id already stored and is ignored. */
  private async storeEvent(deviceId: string, event: DeviceEvent, receivedAt: string): Promise<void> {
    const fresh = (await this.deps.deviceEvents?.save(deviceId, event, receivedAt)) ?? true;
    if (!fresh) return this.log.debug({ deviceId, id: event.id }, 'duplicate device event ignored');
    // Proof of play arrives for every item shown: too many for the info log.
    const level = event.kind === 'proof-of-play' ? 'debug' : 'info';
    this.log[level]({ deviceId, event }, `device event ${event.kind}`);
    // A render receipt is news for whoever follows the announcement live.
    if (event.kind === 'announcement-shown') this.deps.events?.deviceChanged(deviceId);
    if (event.kind === 'update-failed' || event.kind === 'agent-started')
      this.deps.events?.deviceChanged(deviceId);
  }

  private presence(deviceId: string, state: 'online' | 'offline'): void {
    try {
      if (!this.deps.devices.setPresence(deviceId, state, this.now().toISOString())) {
        this.log.warn({ deviceId, state }, 'presence of a device not in the store ignored');
        return;
      }
      this.deps.events?.deviceChanged(deviceId);
    } catch (error) {
      this.log.error({ deviceId, state, err: (error as Error).message }, 'presence not stored');
    }
  }

  private stored(message: ParsedMessage, known: boolean): void {
    if (known) {
      this.deps.events?.deviceChanged(message.deviceId);
      return;
    }
    this.log.warn(
      { deviceId: message.deviceId, kind: message.kind },
      'message from a device not in the store ignored',
    );
  }
}
