import { deviceTopic, parseMessage, type ParsedMessage } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterPresence } from '../../../src/cluster/cluster-presence.js';
import { LeasedEngines, type Engine } from '../../../src/cluster/engine-runner.js';
import { LeaseRepo } from '../../../src/cluster/lease-repo.js';
import { PresenceRepo } from '../../../src/cluster/presence-repo.js';
import { CommandClient } from '../../../src/commands/command-client.js';
import { DeviceInbox } from '../../../src/devices/device-inbox.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { openStore, type Store } from '../../../src/store/open-store.js';
import type { Sql } from '../../../src/store/sql.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { enrol, sampleTelemetry, seedGates } from '../store/fixtures.js';
import { silentLogger } from '../store/temp-store.js';

const T0 = Date.parse('2026-11-26T08:00:00.000Z');
const STALE_MS = 20_000;
const SCREENS = ['gate-1-screen-01', 'gate-1-screen-02', 'gate-1-screen-03'];

function offlineStatus(deviceId: string): ParsedMessage {
  const parsed = parseMessage(
    deviceTopic(deviceId, 'status'),
    JSON.stringify({ state: 'offline', at: new Date(T0).toISOString() }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed;
}

/** Two processes of a cluster: each its own connection to the one store, one shared clock. */
describe.each(STORE_DIALECTS)('a cluster on one store (%s)', (dialect) => {
  let store: TestStore;
  let second: Store;
  let nowMs: number;
  const now = (): Date => new Date(nowMs);
  const started: ClusterPresence[] = [];

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    second = await openStore({ ...store.location, log: silentLogger() });
    await seedGates(new GatesRepo(store.sql));
    const devices = new DevicesRepo(store.sql);
    for (const id of SCREENS) await enrol(devices, id);
    nowMs = T0;
  });

  afterEach(async () => {
    for (const presence of started.splice(0)) await presence.stop();
    await second?.close();
    await store?.dispose();
  });

  /** One process's presence over its own connection, started as the fleet starts it. */
  const presenceOf = async (sql: Sql, processId: string, connectedHere: string[] = []) => {
    const devices = new DevicesRepo(sql, silentLogger());
    const changed: string[] = [];
    const inbox = new DeviceInbox({
      devices,
      commands: new CommandClient({
        broker: { publishToDevice: async () => undefined, isConnected: () => false },
        log: silentLogger(),
      }),
      log: silentLogger(),
      now,
    });
    const presence = new ClusterPresence({
      repo: new PresenceRepo(sql),
      processId,
      inner: inbox,
      connectedHere: () => connectedHere,
      changed: (deviceId) => changed.push(deviceId),
      log: silentLogger(),
      staleMs: STALE_MS,
      now,
    });
    await presence.start();
    started.push(presence);
    /** What the broker said so far is stored: the presence's chains, then the inbox's writes. */
    const settled = async () => {
      await presence.settled();
      await inbox.settled();
    };
    const state = async (id: string) => (await devices.get(id))?.presence.state;
    return { presence, changed, settled, state };
  };

  it('keeps a screen online when it moves to another process, and offline when it leaves the last', async () => {
    const one = await presenceOf(store.sql, 'one');
    const two = await presenceOf(second.sql, 'two');
    // Only the first process of a cold cluster republishes retained documents.
    expect([one.presence.firstToStart, two.presence.firstToStart]).toEqual([true, false]);
    one.presence.onDeviceConnected('gate-1-screen-01');
    await one.settled();
    expect(await one.state('gate-1-screen-01')).toBe('online');
    two.presence.onDeviceConnected('gate-1-screen-01');
    await two.settled();
    // The old session on one ends late, with its will: neither is news any more.
    one.presence.onDeviceMessage(offlineStatus('gate-1-screen-01'));
    one.presence.onDeviceDisconnected('gate-1-screen-01', 'error');
    await one.settled();
    await one.presence.sweep();
    expect(await two.state('gate-1-screen-01')).toBe('online');
    // Minutes later a live process publishes the will a dead one left behind: still online.
    two.presence.onDeviceMessage(offlineStatus('gate-1-screen-01'));
    await two.settled();
    expect(await two.state('gate-1-screen-01')).toBe('online');
    two.presence.onDeviceDisconnected('gate-1-screen-01', 'clean');
    await two.settled();
    expect(await two.state('gate-1-screen-01')).toBe('offline');
  });

  it('marks the screens of a process offline once its heartbeat is stale, and takes them back if it lives', async () => {
    const one = await presenceOf(store.sql, 'one', ['gate-1-screen-01', 'gate-1-screen-02']);
    const two = await presenceOf(second.sql, 'two');
    one.presence.onDeviceConnected('gate-1-screen-01');
    one.presence.onDeviceConnected('gate-1-screen-02');
    two.presence.onDeviceConnected('gate-1-screen-03');
    await Promise.all([one.settled(), two.settled()]);
    nowMs += STALE_MS - 1_000;
    await two.presence.beat();
    expect(await two.state('gate-1-screen-01')).toBe('online');
    // One stops beating (a crash); two beats on past the stale limit.
    nowMs += 2_000;
    await two.presence.beat();
    expect(await Promise.all(SCREENS.map(two.state))).toEqual(['offline', 'offline', 'online']);
    expect(two.changed.sort()).toEqual(['gate-1-screen-01', 'gate-1-screen-02']);
    // One was only paused: its next beat finds its row gone and claims its live screens again.
    await one.presence.beat();
    await one.settled();
    expect(await one.state('gate-1-screen-01')).toBe('online');
    expect(await one.state('gate-1-screen-02')).toBe('online');
  });

  it('releases what its last run held when a process restarts with the same id', async () => {
    const two = await presenceOf(second.sql, 'two');
    two.presence.onDeviceConnected('gate-1-screen-02');
    await two.settled();
    const before = await presenceOf(store.sql, 'one');
    before.presence.onDeviceConnected('gate-1-screen-01');
    await before.settled();
    // A crash: no stop(); the same process id starts again.
    const after = await presenceOf(store.sql, 'one');
    expect(after.presence.firstToStart).toBe(false);
    expect(await after.state('gate-1-screen-01')).toBe('offline');
    expect(await after.state('gate-1-screen-02')).toBe('online');
  });

  it('leaves one holder when two processes claim a screen at once, and tells the other on its next beat', async () => {
    const one = await presenceOf(store.sql, 'one');
    const two = await presenceOf(second.sql, 'two');
    one.presence.onDeviceConnected('gate-1-screen-01');
    two.presence.onDeviceConnected('gate-1-screen-01');
    // A claim made here is known here at once.
    expect([
      one.presence.heldElsewhere('gate-1-screen-01'),
      two.presence.heldElsewhere('gate-1-screen-01'),
    ]).toEqual([false, false]);
    await Promise.all([one.settled(), two.settled()]);
    const holders = await new PresenceRepo(store.sql).holders();
    expect([...holders.keys()]).toEqual(['gate-1-screen-01']);
    const holder = holders.get('gate-1-screen-01');
    expect(['one', 'two']).toContain(holder);
    // The claims read on each beat feed heldElsewhere, which the broker's isConnected asks.
    await Promise.all([one.presence.beat(), two.presence.beat()]);
    expect([
      one.presence.heldElsewhere('gate-1-screen-01'),
      two.presence.heldElsewhere('gate-1-screen-01'),
    ]).toEqual([holder === 'two', holder === 'one']);
    expect(await one.state('gate-1-screen-01')).toBe('online');
  });

  it("passes a screen's messages to the inbox after its claim, in arrival order", async () => {
    const order: string[] = [];
    class NotedClaims extends PresenceRepo {
      override async claim(deviceId: string, processId: string, at: string): Promise<void> {
        await super.claim(deviceId, processId, at);
        order.push('claimed');
      }
    }
    const presence = new ClusterPresence({
      repo: new NotedClaims(store.sql),
      processId: 'one',
      inner: {
        onDeviceConnected: (deviceId) => void order.push(`connected ${deviceId}`),
        onDeviceDisconnected: (deviceId) => void order.push(`disconnected ${deviceId}`),
        onDeviceMessage: (message) => void order.push(message.kind),
      },
      connectedHere: () => [],
      changed: () => undefined,
      log: silentLogger(),
      now,
    });
    const telemetry = parseMessage(
      deviceTopic('gate-1-screen-01', 'telemetry'),
      JSON.stringify(sampleTelemetry(new Date(T0).toISOString())),
    );
    if (!telemetry.ok) throw new Error(telemetry.reason);
    presence.onDeviceConnected('gate-1-screen-01');
    presence.onDeviceMessage(telemetry);
    expect(order).toEqual([]);
    await presence.settled();
    expect(order).toEqual(['claimed', 'connected gate-1-screen-01', 'telemetry']);
    // Once the screen's chain is idle, its messages pass straight through.
    presence.onDeviceMessage(telemetry);
    expect(order).toEqual(['claimed', 'connected gate-1-screen-01', 'telemetry', 'telemetry']);
  });

  it('hands the lease to one of two processes trying at once', async () => {
    const at = new Date(T0).toISOString();
    const until = new Date(T0 + 15_000).toISOString();
    const taken = await Promise.all([
      new LeaseRepo(store.sql).acquire('engines', 'one', at, until),
      new LeaseRepo(second.sql).acquire('engines', 'two', at, until),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('runs the engines in one process at a time and hands them over when the lease lapses', async () => {
    const runs: string[] = [];
    const engine = (name: string): Engine => ({
      start: () => void runs.push(`${name} start`),
      stop: () => void runs.push(`${name} stop`),
    });
    const leased = async (sql: Sql, holder: string) => {
      const engines = new LeasedEngines({
        repo: new LeaseRepo(sql),
        name: 'engines',
        holder,
        log: silentLogger(),
        ttlMs: 15_000,
        renewMs: 60_000,
        now,
      });
      await engines.run('alerts', engine(holder));
      return engines;
    };
    const one = await leased(store.sql, 'one');
    const two = await leased(second.sql, 'two');
    await one.begin();
    await two.begin();
    expect([one.holding, two.holding]).toEqual([true, false]);
    nowMs += 10_000;
    await one.renew();
    nowMs += 10_000; // renewed 10 s ago: still one's
    await two.renew();
    expect(two.holding).toBe(false);
    nowMs += 6_000; // one stopped renewing 16 s ago: lapsed
    await two.renew();
    await one.renew();
    expect([one.holding, two.holding]).toEqual([false, true]);
    // A clean stop hands over at once, without waiting for the lapse.
    await two.end();
    await one.renew();
    expect(one.holding).toBe(true);
    await one.end();
    expect(runs).toEqual(['one start', 'two start', 'one stop', 'two stop', 'one start', 'one stop']);
  });
});
