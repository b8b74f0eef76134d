import { deviceTopic, type CommandResult, type ParsedMessage } from '@gatecast/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandClient } from '../../../src/commands/command-client.js';
import type { DisconnectCause } from '../../../src/broker/broker.js';
import { DeviceInbox } from '../../../src/devices/device-inbox.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { enrol, sampleReported, sampleTelemetry, seedGates } from '../store/fixtures.js';
import { openTempStore, recordingLogger } from '../store/temp-store.js';
import { eventually, startFleetHarness, type FleetHarness } from './fleet-harness.js';

const T0 = '2026-11-26T08:00:00.000Z';
const T1 = '2026-11-26T08:00:30.000Z';

/** Records what the inbox hands to the command client. */
class RecordingCommands extends CommandClient {
  readonly results: Array<{ deviceId: string; result: CommandResult }> = [];
  constructor() {
    super({
      broker: { publishToDevice: async () => undefined, isConnected: () => true },
      log: pino({ level: 'silent' }),
    });
  }
  override handleResult(deviceId: string, result: CommandResult): void {
    this.results.push({ deviceId, result });
  }
}

describe('DeviceInbox', () => {
  let store: ReturnType<typeof openTempStore>;
  let devices: DevicesRepo;
  let commands: RecordingCommands;
  let inbox: DeviceInbox;
  let recording: ReturnType<typeof recordingLogger>;
  let clock: string;

  beforeEach(async () => {
    recording = recordingLogger();
    store = openTempStore();
    await seedGates(new GatesRepo(store.sql));
    devices = new DevicesRepo(store.sql, recording.log);
    commands = new RecordingCommands();
    clock = T0;
    inbox = new DeviceInbox({ devices, commands, log: recording.log, now: () => new Date(clock) });
    await enrol(devices, 'cat-bi-arr-01');
  });
  afterEach(() => {
    commands.stop();
    store.close();
  });

  const message = (m: Omit<ParsedMessage, 'ok' | 'deviceId'> & { deviceId?: string }): ParsedMessage =>
    ({ ok: true, deviceId: 'cat-bi-arr-01', ...m }) as ParsedMessage;
  const warnings = () => recording.lines.filter((line) => line.level === 40).map((line) => line.msg);
  // The broker's calls return at once; the writes they start are awaited here.
  const deliver = async (m: ParsedMessage) => {
    inbox.onDeviceMessage(m);
    await inbox.settled();
  };
  const connect = async (deviceId: string) => {
    inbox.onDeviceConnected(deviceId);
    await inbox.settled();
  };
  const disconnect = async (deviceId: string, cause: DisconnectCause) => {
    inbox.onDeviceDisconnected(deviceId, cause);
    await inbox.settled();
  };

  it('maps status to presence at the fleet time, keeping the agent version', async () => {
    await deliver(
      message({
        kind: 'status',
        payload: { state: 'online', agentVersion: '0.1.0', at: '1999-01-01T00:00:00Z' },
      }),
    );
    expect(await devices.get('cat-bi-arr-01')).toMatchObject({
      presence: { state: 'online', since: T0, lastSeenAt: T0 },
      agentVersion: '0.1.0',
    });
    clock = T1;
    await deliver(message({ kind: 'status', payload: { state: 'offline' } }));
    expect((await devices.get('cat-bi-arr-01'))?.presence).toEqual({
      state: 'offline',
      since: T1,
      lastSeenAt: T1,
    });
  });

  it('maps reported to saveReported and telemetry to saveTelemetry', async () => {
    await deliver(message({ kind: 'reported', payload: sampleReported(T0, '0.2.0') }));
    clock = T1;
    await deliver(message({ kind: 'telemetry', payload: sampleTelemetry(T1, 42) }));
    const record = await devices.get('cat-bi-arr-01');
    expect(record).toMatchObject({
      reported: sampleReported(T0, '0.2.0'),
      reportedAt: T0,
      agentVersion: '0.2.0',
    });
    expect(record).toMatchObject({ lastTelemetry: sampleTelemetry(T1, 42), lastTelemetryAt: T1 });
    expect(await devices.telemetryHistory('cat-bi-arr-01', { limit: 5 })).toHaveLength(1);
  });

  it('hands cmd/res to the command client with the sending device', async () => {
    const result: CommandResult = { id: 'corr-id-0001', name: 'ping', at: T0, ok: true, result: {} };
    await deliver(message({ kind: 'cmd/res', payload: result }));
    expect(commands.results).toEqual([{ deviceId: 'cat-bi-arr-01', result }]);
  });

  it('logs events of known devices', async () => {
    await deliver(
      message({ kind: 'events', payload: { id: 'event-0001', at: T0, kind: 'desired-applied', version: 4 } }),
    );
    await inbox.settled();
    expect(recording.lines).toContainEqual(
      expect.objectContaining({ deviceId: 'cat-bi-arr-01', msg: 'device event desired-applied' }),
    );
  });

  it('writes bursts of events one after another, in the order they came, and logs a failed one without losing the next', async () => {
    await enrol(devices, 'cat-bi-arr-02');
    const written: string[] = [];
    const deviceEvents = {
      // The first burst is the slowest: order must not depend on the store's speed.
      saveMany: async (batch: ReadonlyArray<{ deviceId: string; event: { id: string } }>) => {
        const first = batch[0]?.event.id ?? '';
        await new Promise((resolve) => setTimeout(resolve, first.endsWith('1') ? 30 : 1));
        if (first === 'event-0003') throw new Error('disk full');
        written.push(...batch.map((entry) => `${entry.deviceId}:${entry.event.id}`));
        return batch.map(() => true);
      },
    };
    inbox = new DeviceInbox({
      devices,
      commands,
      deviceEvents,
      log: recording.log,
      now: () => new Date(clock),
    });
    for (const n of [1, 2, 3, 4]) {
      for (const deviceId of ['cat-bi-arr-01', 'cat-bi-arr-02']) {
        const payload = { id: `event-000${n}`, at: T0, kind: 'desired-applied' as const, version: n };
        inbox.onDeviceMessage(message({ deviceId, kind: 'events', payload }));
      }
      // The end of a turn of the event loop ends a burst.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await inbox.settled();
    for (const deviceId of ['cat-bi-arr-01', 'cat-bi-arr-02']) {
      expect(written.filter((entry) => entry.startsWith(deviceId))).toEqual(
        ['event-0001', 'event-0002', 'event-0004'].map((id) => `${deviceId}:${id}`),
      );
    }
    expect(recording.lines.filter((line) => line.msg === 'events not stored')).toHaveLength(1);
  });

  it('stores a burst of events in one transaction, and says stored only after the commit', async () => {
    const deviceEvents = new DeviceEventsRepo(store.sql, recording.log);
    const saveMany = vi.spyOn(deviceEvents, 'saveMany');
    const batching = new DeviceInbox({ devices, deviceEvents, commands, log: recording.log });
    const play = (id: string) =>
      message({
        kind: 'events',
        payload: {
          id,
          at: T0,
          kind: 'proof-of-play',
          itemId: 'welcome',
          zone: 'main',
          language: 'vi',
          startedAt: T0,
          durationMs: 15_000,
        },
      });
    const count = async () => (await deviceEvents.list('cat-bi-arr-01')).events.length;
    const stored = new Promise<void>((resolve) => {
      for (const id of ['play-0001', 'play-0002', 'play-0003', 'play-0002'])
        batching.onDeviceMessage(play(id));
      batching.whenStored(resolve);
    });
    // Nothing is committed before the end of the burst.
    expect(await count()).toBe(0);
    await stored;
    expect(await count()).toBe(3);
    expect(saveMany).toHaveBeenCalledTimes(1);
    // With nothing pending, a message without events is acknowledged at once.
    let now = false;
    batching.whenStored(() => (now = true));
    expect(now).toBe(true);
  });

  it('ignores messages of devices not in the store, with a log line each', async () => {
    const ghost = { deviceId: 'ghost-01' };
    await deliver(message({ ...ghost, kind: 'status', payload: { state: 'online' } }));
    await deliver(message({ ...ghost, kind: 'reported', payload: sampleReported(T0) }));
    await deliver(message({ ...ghost, kind: 'telemetry', payload: sampleTelemetry(T0) }));
    await deliver(
      message({
        ...ghost,
        kind: 'events',
        payload: { id: 'event-0002', at: T0, kind: 'agent-started', agentVersion: '1' },
      }),
    );
    await connect('ghost-01');
    expect(warnings()).toHaveLength(5);
    expect(store.db.prepare('SELECT count(*) FROM telemetry').pluck().get()).toBe(0);
    expect(await devices.get('ghost-01')).toBeUndefined();
  });

  it('connect marks online; any disconnect marks offline at once', async () => {
    await connect('cat-bi-arr-01');
    expect((await devices.get('cat-bi-arr-01'))?.presence.state).toBe('online');
    for (const cause of ['keepalive', 'error', 'kicked', 'clean', 'shutdown'] as const) {
      await connect('cat-bi-arr-01');
      clock = T1;
      await disconnect('cat-bi-arr-01', cause);
      expect((await devices.get('cat-bi-arr-01'))?.presence).toMatchObject({ state: 'offline', since: T1 });
      clock = T0;
    }
  });

  it('logs a store failure instead of throwing into the broker', async () => {
    store.db.close();
    expect(() =>
      inbox.onDeviceMessage(message({ kind: 'telemetry', payload: sampleTelemetry(T0) })),
    ).not.toThrow();
    expect(() => inbox.onDeviceDisconnected('cat-bi-arr-01', 'error')).not.toThrow();
    await inbox.settled();
    expect(recording.lines.filter((line) => line.level === 50)).toHaveLength(2);
  });
});

describe('DeviceInbox behind a real broker', () => {
  let fleet: FleetHarness;
  let secret: string;

  beforeEach(async () => {
    fleet = await startFleetHarness();
    await seedGates(fleet.gates);
    secret = await enrol(fleet.devices, 'cat-bi-arr-01');
  });
  afterEach(() => fleet.close());

  it('stores presence, reports and telemetry a screen publishes, and marks it offline when its link dies', async () => {
    const screen = await fleet.connectDevice('cat-bi-arr-01', secret);
    await eventually(async () =>
      expect((await fleet.devices.get('cat-bi-arr-01'))?.presence.state).toBe('online'),
    );

    const now = new Date().toISOString();
    await screen.publishAsync(
      deviceTopic('cat-bi-arr-01', 'reported'),
      JSON.stringify(sampleReported(now, '0.4.0')),
      {
        qos: 1,
        retain: true,
      },
    );
    await screen.publishAsync(
      deviceTopic('cat-bi-arr-01', 'telemetry'),
      JSON.stringify(sampleTelemetry(now, 77)),
    );
    await eventually(async () => {
      const record = await fleet.devices.get('cat-bi-arr-01');
      expect(record?.agentVersion).toBe('0.4.0');
      expect(record?.lastTelemetry?.cpu.loadPercent).toBe(77);
    });

    // No DISCONNECT packet: the broker sees the socket die.
    screen.stream.destroy();
    await eventually(async () =>
      expect((await fleet.devices.get('cat-bi-arr-01'))?.presence.state).toBe('offline'),
    );
  });

  it('refuses a wrong secret at the broker, so nothing reaches the store', async () => {
    await expect(fleet.connectDevice('cat-bi-arr-01', `${secret.slice(0, -1)}x`)).rejects.toThrow();
    expect((await fleet.devices.get('cat-bi-arr-01'))?.presence.state).toBe('never-seen');
  });
});
