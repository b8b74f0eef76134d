import type { DeviceEvent, ParsedMessage } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { BrokerHandlers, DisconnectCause } from '../broker/broker.js';
import type { CommandClient } from '../commands/command-client.js';
import type { DeviceEventsRepo, EventToSave } from '../events/device-events-repo.js';
import type { DevicesRepo } from './devices-repo.js';
import type { FleetEvents } from './fleet-events.js';
import { ScreenTurns } from './screen-turns.js';

export interface DeviceInboxDeps {
  devices: DevicesRepo;
  commands: CommandClient;
  log: Logger;
  /** Where events (proof of play) are stored once each; without it they are only logged. */
  deviceEvents?: Pick<DeviceEventsRepo, 'saveMany'>;
  /** Told after each stored change, for live views; optional so the inbox works without them. */
  events?: Pick<FleetEvents, 'deviceChanged'>;
  now?: () => Date;
}

/**
 * Turns broker signals into store updates, one statement per message (this is the hot path
 * of every telemetry sample). Events are gathered over one turn of the event loop and written
 * together, one burst after another, so each device's land in arrival order.
 * Times are the fleet's clock: a screen's clock may be wrong.
 * Messages from devices no longer in the store are ignored with a log line.
 */
export class DeviceInbox implements BrokerHandlers {
  private readonly deps: DeviceInboxDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  /** Events of this turn of the event loop, and the acknowledgements waiting for them. */
  private pending: EventToSave[] = [];
  private waiting: Array<() => void> = [];
  /** The bursts being written, one after another. */
  private writing: Promise<void> = Promise.resolve();
  /** Each device's presence, report and telemetry writes, one after another, so they land in order. */
  private readonly writes: ScreenTurns;

  constructor(deps: DeviceInboxDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'inbox' });
    this.writes = new ScreenTurns(this.log, 'message not stored');
    this.now = deps.now ?? (() => new Date());
  }

  onDeviceMessage(message: ParsedMessage): void {
    this.dispatch(message);
  }

  /**
   * The broker acknowledges a message once this calls back: a QoS 1 PUBACK for an event still
   * means it is stored, and the burst it came in is one transaction instead of one per event.
   */
  whenStored(done: () => void): void {
    if (this.pending.length === 0) return done();
    this.waiting.push(done);
  }

  onDeviceConnected(deviceId: string): void {
    this.inOrder(deviceId, 'presence', () => this.presence(deviceId, 'online'));
  }

  onDeviceDisconnected(deviceId: string, cause: DisconnectCause): void {
    this.log.debug({ deviceId, cause }, 'device disconnected');
    this.inOrder(deviceId, 'presence', () => this.presence(deviceId, 'offline'));
  }

  private dispatch(message: ParsedMessage): void {
    const { devices } = this.deps;
    const at = this.now().toISOString();
    const { deviceId } = message;
    switch (message.kind) {
      case 'status': {
        const { state, agentVersion } = message.payload;
        return this.writeInOrder(message, () => devices.setPresence(deviceId, state, at, agentVersion));
      }
      case 'reported':
        return this.writeInOrder(message, () => devices.saveReported(deviceId, message.payload, at));
      case 'telemetry':
        return this.writeInOrder(message, () => devices.saveTelemetry(deviceId, message.payload, at));
      case 'events':
        // Queued at once, so the burst's acknowledgement waits for it; a device not in the
        // store stores nothing (device-events-repo.ts).
        return this.queueEvent(deviceId, message.payload, at);
      case 'cmd/res':
        return this.deps.commands.handleResult(deviceId, message.payload);
      case 'desired':
      case 'cmd/req':
        this.log.warn({ deviceId, kind: message.kind }, 'fleet-bound message of a fleet-sent kind ignored');
        return;
    }
  }

  private queueEvent(deviceId: string, event: DeviceEvent, receivedAt: string): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push({ deviceId, event, receivedAt });
  }

  private flush(): void {
    const batch = this.pending;
    const waiting = this.waiting;
    this.pending = [];
    this.waiting = [];
    this.writing = this.writing.then(() => this.write(batch, waiting));
  }

  private async write(batch: EventToSave[], waiting: Array<() => void>): Promise<void> {
    try {
      const { deviceEvents, devices } = this.deps;
      // Without a repo (tests), an event counts as stored when its device is known.
      const fresh =
        (await deviceEvents?.saveMany(batch)) ??
        (await Promise.all(batch.map((entry) => devices.exists(entry.deviceId))));
      for (const [index, entry] of batch.entries()) {
        if (fresh[index] === true) this.noteEvent(entry.deviceId, entry.event);
        else await this.notStored(entry);
      }
    } catch (error) {
      // A store failure (disk full, locked) costs these events, never the broker's loop.
      this.log.error({ events: batch.length, err: (error as Error).message }, 'events not stored');
    }
    for (const done of waiting) done();
  }

  /** Resolves once everything received so far is written: the fleet waits before closing the store. */
  async settled(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    await this.writing;
    await this.writes.settled();
  }

  /** A write after the device's earlier ones; a failure costs this message, never the broker's loop. */
  private inOrder(deviceId: string, kind: string, task: () => Promise<void>): void {
    void this.writes.run(deviceId, task, { kind });
  }

  private writeInOrder(message: ParsedMessage, task: () => Promise<boolean>): void {
    this.inOrder(message.deviceId, message.kind, async () => this.stored(message, await task()));
  }

  /** A resent event (after a crash or a flapping link) has an id already stored; a removed device none. */
  private async notStored({ deviceId, event }: EventToSave): Promise<void> {
    if (await this.deps.devices.exists(deviceId)) {
      this.log.debug({ deviceId, id: event.id }, 'duplicate device event ignored');
    } else {
      this.log.warn({ deviceId, kind: 'events' }, 'message from a device not in the store ignored');
    }
  }

  private noteEvent(deviceId: string, event: DeviceEvent): void {
    // Proof of play arrives for every item shown: too many for the info log.
    const level = event.kind === 'proof-of-play' ? 'debug' : 'info';
    this.log[level]({ deviceId, event }, `device event ${event.kind}`);
    // A render receipt is news for whoever follows the announcement live.
    if (event.kind === 'announcement-shown') this.deps.events?.deviceChanged(deviceId);
    if (event.kind === 'update-failed' || event.kind === 'agent-started')
      this.deps.events?.deviceChanged(deviceId);
  }

  private async presence(deviceId: string, state: 'online' | 'offline'): Promise<void> {
    try {
      if (!(await this.deps.devices.setPresence(deviceId, state, this.now().toISOString()))) {
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
