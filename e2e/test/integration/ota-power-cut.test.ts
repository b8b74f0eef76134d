import { stat } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { Transform } from 'node:stream';
import { join } from 'node:path';
import type { UpdateState } from '@gatecast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deviceView,
  enrolScreen,
  snapshotInstall,
  type InstallSnapshot,
  type OtaScreen,
} from '../support/install-root.js';
import {
  gatecastWithin,
  otaReleases,
  startOtaFleet,
  V1,
  V2,
  V3,
  type OtaFleet,
  type OtaReleases,
} from '../support/ota-releases.js';
import { tempDir, waitFor } from '../support/processes.js';

const GATE = 'cat-bi-airport';
const ZONE = 'arrivals-hall';

interface PowerCut {
  at: UpdateState;
  /** The release rolled out: 2.0.0 commits; 3.0.0 crashes at start and is rolled back by the launcher. */
  target: typeof V2 | typeof V3;
}

const CUTS: PowerCut[] = [
  ...(
    [
      'downloading',
      'verifying',
      'installing',
      'switching',
      'restarting',
      'health-check',
      'committed',
    ] as const
  ).map((at) => ({ at, target: V2 }) as PowerCut),
  ...(['rolling-back', 'rolled-back'] as const).map((at) => ({ at, target: V3 }) as PowerCut),
];

/** Screens updating at once: enough to keep the run short, few enough for two shared cores. */
const AT_ONCE = 3;
/**
 * Screens reach the fleet's HTTP through a link this slow, so a cut during the download finds
 * bytes on disk: on loopback the whole artifact arrives before the agent's queued writes land.
 */
const LINK_BYTES_PER_SEC = 2 << 20;

// The "must show": the power is cut (SIGKILL, nothing flushed) right after the screen
// persisted each update state; the supervisor starts it again without the fault, and the screen
// ends on a working release and tells the fleet. One fleet; one screen and one rollout per cut.
describe('a power cut at every update state leaves a screen on a working release', () => {
  const work = tempDir('e2e-ota-power-cut');
  let releases: OtaReleases;
  let ota: OtaFleet;
  const screens: OtaScreen[] = [];
  const slots = new Slots(AT_ONCE);
  let link: SlowLink;

  beforeAll(async () => {
    releases = await otaReleases();
    link = await SlowLink.start(LINK_BYTES_PER_SEC);
    ota = await startOtaFleet(join(work.path, 'fleet'), releases, {
      GATECAST_PUBLIC_URL: `http://127.0.0.1:${link.port}`,
    });
    link.upstreamPort = ota.fleet.httpPort;
    expect(
      (await ota.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' })).status,
    ).toBe(201);
    expect(
      (await ota.api('POST', `/api/v1/gates/${GATE}/zones`, { id: ZONE, name: 'Arrivals hall' })).status,
    ).toBe(201);
    for (const release of [releases.v2, releases.v3]) {
      const published = await gatecastWithin(['release', 'publish', release.artifactFile], ota.env, 60_000);
      expect(published.code, published.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(screens.map((screen) => screen.systemd.stop()));
    await ota?.stop();
    await link?.close();
    work.remove();
  });

  it.concurrent.each(CUTS)(
    'cut at $at on the way to $target',
    async ({ at, target }) => {
      await slots.run(async () => {
        const screen = await powerCutAt(at, target);
        try {
          await checkOutcome(screen, at, target);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n--- ${screen.deviceId}\n${screen.systemd.tail()}`);
        } finally {
          await screen.systemd.stop();
        }
      });
    },
    420_000,
  );

  const cutSnapshots = new Map<string, InstallSnapshot & { partBytes: number }>();

  async function powerCutAt(at: UpdateState, target: string): Promise<OtaScreen> {
    const id = `cut-${at}-${target.replace(/\./g, '')}`;
    const screen = await enrolScreen({
      ota,
      releases,
      dir: work.path,
      device: { id, name: `Cut at ${at}`, gateId: GATE, zoneId: ZONE },
      faultEnv: { GATECAST_FAULT_KILL_AT: at },
      // Between the kill and the next start: the disk exactly as the cut left it.
      onExit: async (exit) => {
        if (exit.signal !== 'SIGKILL' || !exit.faulted || cutSnapshots.has(id)) return;
        const disk = await snapshotInstall(screen);
        cutSnapshots.set(id, { ...disk, partBytes: await partBytes(screen.dataDir, target) });
      },
    });
    screens.push(screen);
    await waitFor(
      `${id} online on ${V1}`,
      async () => {
        const view = await deviceView(ota, id);
        return view?.presence.state === 'online' && view.agentVersion === V1;
      },
      60_000,
    );
    const created = await ota.api('POST', '/api/v1/rollouts', {
      version: target,
      target: { devices: [id] },
      waves: [100],
      maxFailures: 0,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return screen;
  }

  async function checkOutcome(screen: OtaScreen, at: UpdateState, target: string): Promise<void> {
    const id = screen.deviceId;
    const expected =
      target === V2 ? { version: V2, state: 'committed' } : { version: V1, state: 'rolled-back' };
    const view = await waitFor(
      `${id} reporting ${expected.version} ${expected.state}`,
      async () => {
        const device = await deviceView(ota, id);
        const update = device?.reported?.update;
        return (
          device?.agentVersion === expected.version &&
          update?.state === expected.state &&
          update.targetVersion === target &&
          device
        );
      },
      300_000,
    );
    expect(view.presence.state).toBe('online');

    // The cut happened where it was asked for, and left `current` on a complete release even then.
    expect(screen.systemd.faultFired).toBe(true);
    const cut = cutSnapshots.get(id);
    expect(cut?.record?.status.state).toBe(at);
    expect(cut?.currentComplete).toBe(true);

    const disk = await snapshotInstall(screen);
    expect(disk.current).toBe(expected.version);
    expect(disk.currentComplete).toBe(true);
    expect(disk.record?.status).toMatchObject({ state: expected.state, targetVersion: target });
    if (target === V2) {
      expect(disk.previous).toBe(V1);
      expect(view.reported?.update?.problem).toBeNull();
      // Planned restarts (75) and the cut itself; nothing on the way crashed.
      const unexpected = screen.systemd.exits.filter((exit) => exit.code !== 75 && !exit.faulted);
      expect(unexpected).toEqual([]);
    } else {
      // The reason survives the cut: the crashes, not "it was rolled back".
      expect(disk.record).toMatchObject({
        failedStage: 'restart',
        status: {
          problem: { code: 'UPDATE_FAILED', message: expect.stringMatching(/3\.0\.0 stopped 2 times/) },
        },
      });
      await waitFor(`${id} to mark its update-failed event sent`, async () => {
        return (await snapshotInstall(screen)).record?.failureReported === true;
      });
      const events = await waitFor(`${id}'s update-failed event at the fleet`, async () => {
        const { body } = await ota.api('GET', `/api/v1/devices/${id}/events?kind=update-failed`);
        return body?.events?.length > 0 && (body.events as Array<{ event: Record<string, unknown> }>);
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.event).toMatchObject({ targetVersion: V3, runningVersion: V1, stage: 'restart' });
    }
    if (at === 'downloading') {
      // The next start went on from the bytes the cut left, not from zero.
      const starts = [...screen.systemd.output.matchAll(/"resumeAt":(\d+)/g)].map((match) =>
        Number(match[1]),
      );
      expect(cut!.partBytes).toBeGreaterThan(0);
      expect(starts, JSON.stringify(starts)).toHaveLength(2);
      expect(starts[1]).toBeGreaterThan(0);
      expect(starts[1]).toBeLessThanOrEqual(cut!.partBytes);
    }
    // The fleet's view of the rollout agrees with the screen.
    const rollouts = (await ota.api('GET', '/api/v1/rollouts')).body.rollouts as Array<{
      id: string;
      target: { devices: string[] };
    }>;
    const rolloutId = rollouts.find((rollout) => rollout.target.devices.includes(id))!.id;
    await waitFor(`${id}'s rollout to settle`, async () => {
      const { body } = await ota.api('GET', `/api/v1/rollouts/${rolloutId}`);
      return target === V2 ? body.state === 'completed' : body.state === 'paused';
    });
  }
});

/** The bytes of a partial download of `version` in the screen's data folder. */
async function partBytes(dataDir: string, version: string): Promise<number> {
  return stat(join(dataDir, 'updates', `${version}.part`)).then(
    (stats) => stats.size,
    () => 0,
  );
}

/** A counting semaphore: at most `size` cases run their screens at once. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((done) => this.waiting.push(done));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/** A TCP relay to the fleet's HTTP port that delivers the fleet's answers at a fixed rate. */
class SlowLink {
  upstreamPort = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly port: number,
  ) {}

  static async start(bytesPerSec: number): Promise<SlowLink> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const link = new SlowLink(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => link.relay(client, bytesPerSec));
    return link;
  }

  private relay(client: Socket, bytesPerSec: number): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => [client, upstream].forEach((end) => end.destroy()));
      socket.on('close', () => this.sockets.delete(socket));
    }
    const paced = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        setTimeout(() => done(null, chunk), (chunk.length / bytesPerSec) * 1000);
      },
    });
    client.pipe(upstream);
    upstream.pipe(paced).pipe(client);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((done) => this.server.close(done));
  }
}
