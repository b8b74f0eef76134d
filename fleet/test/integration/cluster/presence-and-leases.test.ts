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
import { openDatabase, type Database } from '../../../src/store/database.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { openTempStore, silentLogger } from '../store/temp-store.js';

const T0 = Date.parse('2026-11-26T08:00:00.000Z');
const STALE_MS = 20_000;

function offlineStatus(deviceId: string): ParsedMessage {
  const parsed = parseMessage(
    deviceTopic(deviceId, 'status'),
    JSON.stringify({ state: 'offline', at: new Date(T0).toISOString() }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed;
}

/** Two processes of a cluster: each its own connection to the one SQLite file, one shared clock. */
describe('a cluster on one store', () => {
  let store: ReturnType<typeof openTempStore>;
  let second: Database;
  let nowMs: number;
  const now = (): Date => new Date(nowMs);
  const started: Array<{ stop(): void }> = [];

  beforeEach(() => {
    store = openTempStore();
    second = openDatabase(store.dir, silentLogger());
    seedGates(new GatesRepo(store.db));
    nowMs = T0;
  });

  afterEach(() => {
    for (const part of started.splice(0)) part.stop();
    second.close();
    store.close();
  });

  const presenceOf = (db: Database, processId: string, connectedHere: string[] = []) => {
    const devices = new DevicesRepo(db, silentLogger());
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
      repo: new PresenceRepo(db),
      processId,
      inner: inbox,
      connectedHere: () => connectedHere,
      changed: (deviceId) => changed.push(deviceId),
      log: silentLogger(),
      staleMs: STALE_MS,
      now,
    });
    presence.start();
    started.push(presence);
    return { presence, changed, state: (id: string) => devices.get(id)?.presence.state };
  };

  it('keeps a screen online when it moves to another process, and offline when it leaves the last', () => {
    enrol(new DevicesRepo(store.db), 'gate-1-screen-01');
    const one = presenceOf(store.db, 'one');
    const two = presenceOf(second, 'two');
    // Only the first process of a cold cluster republishes retained documents.
    expect([one.presence.firstToStart, two.presence.firstToStart]).toEqual([true, false]);
    one.presence.onDeviceConnected('gate-1-screen-01');
    expect(one.state('gate-1-screen-01')).toBe('online');
    two.presence.onDeviceConnected('gate-1-screen-01');
    // The old session on one ends late, with its will: neither is news any more.
    one.presence.onDeviceMessage(offlineStatus('gate-1-screen-01'));
    one.presence.onDeviceDisconnected('gate-1-screen-01', 'error');
    one.presence.sweep();
    expect(two.state('gate-1-screen-01')).toBe('online');
    // Minutes later a live process publishes the will a dead one left behind: still online.
    two.presence.onDeviceMessage(offlineStatus('gate-1-screen-01'));
    expect(two.state('gate-1-screen-01')).toBe('online');
    two.presence.onDeviceDisconnected('gate-1-screen-01', 'clean');
    expect(two.state('gate-1-screen-01')).toBe('offline');
  });

  it('marks the screens of a process offline once its heartbeat is stale, and takes them back if it lives', () => {
    const devices = new DevicesRepo(store.db);
    for (const id of ['gate-1-screen-01', 'gate-1-screen-02', 'gate-1-screen-03']) enrol(devices, id);
    const one = presenceOf(store.db, 'one', ['gate-1-screen-01', 'gate-1-screen-02']);
    const two = presenceOf(second, 'two');
    one.presence.onDeviceConnected('gate-1-screen-01');
    one.presence.onDeviceConnected('gate-1-screen-02');
    two.presence.onDeviceConnected('gate-1-screen-03');
    nowMs += STALE_MS - 1_000;
    two.presence.beat();
    expect(two.state('gate-1-screen-01')).toBe('online');
    // One stops beating (a crash); two beats on past the stale limit.
    nowMs += 2_000;
    two.presence.beat();
    expect(['gate-1-screen-01', 'gate-1-screen-02', 'gate-1-screen-03'].map(two.state)).toEqual([
      'offline',
      'offline',
      'online',
    ]);
    expect(two.changed.sort()).toEqual(['gate-1-screen-01', 'gate-1-screen-02']);
    // One was only paused: its next beat finds its row gone and claims its live screens again.
    one.presence.beat();
    expect(one.state('gate-1-screen-01')).toBe('online');
    expect(one.state('gate-1-screen-02')).toBe('online');
  });

  it('releases what its last run held when a process restarts with the same id', () => {
    const devices = new DevicesRepo(store.db);
    enrol(devices, 'gate-1-screen-01');
    enrol(devices, 'gate-1-screen-02');
    const two = presenceOf(second, 'two');
    two.presence.onDeviceConnected('gate-1-screen-02');
    const before = presenceOf(store.db, 'one');
    before.presence.onDeviceConnected('gate-1-screen-01');
    // A crash: no stop(); the same process id starts again.
    const after = presenceOf(store.db, 'one');
    expect(after.presence.firstToStart).toBe(false);
    expect(after.state('gate-1-screen-01')).toBe('offline');
    expect(after.state('gate-1-screen-02')).toBe('online');
  });

  it('runs the engines in one process at a time and hands them over when the lease lapses', async () => {
    const runs: string[] = [];
    const engine = (name: string): Engine => ({
      start: () => void runs.push(`${name} start`),
      stop: () => void runs.push(`${name} stop`),
    });
    const leased = (db: Database, holder: string) => {
      const engines = new LeasedEngines({
        repo: new LeaseRepo(db),
        name: 'engines',
        holder,
        log: silentLogger(),
        ttlMs: 15_000,
        renewMs: 60_000,
        now,
      });
      void engines.run('alerts', engine(holder));
      return engines;
    };
    const one = leased(store.db, 'one');
    const two = leased(second, 'two');
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
