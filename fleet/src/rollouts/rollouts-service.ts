import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { StoredRelease } from '../releases/releases-repo.js';
import type { ReleaseAssignments } from './release-assignments.js';
import type { CreateRolloutBody, WaveSpec } from './rollouts-api.js';
import { ACTIVE_STATES, type Rollout, type RolloutScreen, type StoredTarget } from './rollout-model.js';
import { planAbort, type RoundPlan } from './rollout-planner.js';
import type { RolloutsRepo } from './rollouts-repo.js';
import { agentVersionOf, resolveTarget, rollbackRefusal } from './rollout-target.js';
import { assignWaves, skipOf, validateWaves } from './wave-plan.js';
import type { ReleasesRepo } from '../releases/releases-repo.js';

export interface RolloutsServiceDeps {
  repo: RolloutsRepo;
  assignments: ReleaseAssignments;
  releases: Pick<ReleasesRepo, 'get'>;
  devices: Pick<DevicesRepo, 'list' | 'get'>;
  gates: Pick<GatesRepo, 'list'>;
  /** Recomposes screens whose assignment changed. */
  refresh: (deviceIds: readonly string[]) => Promise<void>;
  /** Asks the engine for a round now (a rollout was created or resumed). */
  poke: () => void;
  log: Logger;
  now?: () => Date;
}

/** Throws FORBIDDEN unless the caller may manage rollouts at every one of the gates. */
export type GateCheck = (gateIds: readonly string[]) => void;

/** Rollouts: creation (screens fixed, waves assigned), pause, resume, abort and rollback. */
export class RolloutsService {
  private readonly now: () => Date;
  private readonly log: Logger;

  constructor(private readonly deps: RolloutsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log.child({ mod: 'rollouts' });
  }

  async get(id: string): Promise<Rollout> {
    const rollout = await this.deps.repo.get(id);
    if (!rollout) throw new GatecastError('NOT_FOUND', `no rollout ${id}`);
    return rollout;
  }

  list(): Promise<Rollout[]> {
    return this.deps.repo.list();
  }

  screensOf(id: string): Promise<RolloutScreen[]> {
    return this.deps.repo.screensOf(id);
  }

  /** Every screen by id, in one read: a rollout's view names thousands. */
  async devicesById(): Promise<Map<string, DeviceRecord>> {
    return new Map((await this.deps.devices.list()).map((device) => [device.id, device]));
  }

  async create(body: CreateRolloutBody, by: string | null, mayManage: GateCheck): Promise<Rollout> {
    validateWaves(body.waves);
    const release = await this.published(body.version);
    const screens = resolveTarget(body.target, await this.deps.devices.list(), await this.deps.gates.list());
    const zoneGates = body.target.zones.map((pair) => pair.split('/')[0] ?? '');
    mayManage(unique([...screens.map((device) => device.gateId), ...body.target.gates, ...zoneGates]));
    return this.start({ ...body, target: body.target, rollbackOf: null }, release, screens, by);
  }

  async pause(id: string, by: string): Promise<Rollout> {
    const rollout = await this.get(id);
    if (rollout.state !== 'running')
      throw new GatecastError('CONFLICT', `rollout ${id} is ${rollout.state}, not running`);
    return this.save({ ...rollout, state: 'paused', pauseReason: `by ${by}` });
  }

  /** Failures so far are accepted: only new ones count against maxFailures (docs/adr/0033). */
  async resume(id: string): Promise<Rollout> {
    const rollout = await this.get(id);
    if (rollout.state !== 'paused')
      throw new GatecastError('CONFLICT', `rollout ${id} is ${rollout.state}, not paused`);
    const failed = (await this.deps.repo.screensOf(id)).filter((screen) => screen.state === 'failed').length;
    const resumed = await this.save({
      ...rollout,
      state: 'running',
      pauseReason: null,
      failuresAccepted: failed,
    });
    this.deps.poke();
    return resumed;
  }

  async abort(id: string): Promise<Rollout> {
    const rollout = await this.get(id);
    if (!ACTIVE_STATES.includes(rollout.state)) {
      throw new GatecastError('CONFLICT', `rollout ${id} is ${rollout.state} already`);
    }
    const plan = planAbort(rollout, await this.deps.repo.screensOf(id), this.now());
    const changed = await this.apply(plan);
    this.log.info({ rolloutId: id, cancelled: plan.screens.length }, 'rollout aborted');
    await this.deps.refresh(changed);
    return plan.rollout;
  }

  /**
   * Takes the screens that took (or are taking) the rollout's version to `to`: aborts the rollout
   * if active, then starts a rollout of one wave over them, outside maintenance windows too.
   */
  async rollback(id: string, to: string, by: string | null): Promise<Rollout> {
    const rollout = await this.get(id);
    const release = await this.published(to);
    const refusal = rollbackRefusal(rollout.version, release);
    if (refusal) throw new GatecastError('CONFLICT', refusal);
    const took = (await this.deps.repo.screensOf(id))
      .filter((screen) => screen.state === 'committed' || screen.state === 'updating')
      .map((screen) => screen.deviceId);
    const byId = await this.devicesById();
    const devices = took.flatMap((deviceId) => byId.get(deviceId) ?? []);
    if (devices.length === 0) {
      throw new GatecastError(
        'BAD_REQUEST',
        `no screen of rollout ${id} took ${rollout.version}: nothing to roll back`,
      );
    }
    if (ACTIVE_STATES.includes(rollout.state)) await this.abort(id);
    const spec = {
      version: to,
      target: { gates: [], zones: [], tags: [], devices: devices.map((device) => device.id) },
      waves: [100] as WaveSpec[],
      maxFailures: rollout.maxFailures,
      ignoreMaintenanceWindows: true,
      rollbackOf: id,
    };
    return this.start(spec, release, devices, by);
  }

  /** Records a plan: the rollout, its screens, and the assignments it hands out or takes back. */
  async apply(plan: RoundPlan): Promise<string[]> {
    const at = this.now().toISOString();
    const { repo, assignments } = this.deps;
    await repo.transaction(async () => {
      if (plan.rolloutChanged) await repo.update(plan.rollout);
      for (const screen of plan.handOver) {
        screen.previous = await assignments.get(screen.deviceId);
        const assignment = { version: plan.rollout.version, rolloutId: plan.rollout.id };
        await assignments.set(screen.deviceId, assignment, at);
      }
      for (const screen of plan.release)
        await assignments.restore(screen.deviceId, plan.rollout.id, screen.previous, at);
      await repo.saveScreens(plan.screens);
    });
    return unique([...plan.handOver, ...plan.release].map((screen) => screen.deviceId));
  }

  private async start(
    spec: RolloutSpec,
    release: StoredRelease,
    devices: readonly DeviceRecord[],
    by: string | null,
  ): Promise<Rollout> {
    const { rollout, screens } = newRollout(spec, release, devices, by, this.now().toISOString());
    // Checked and written in one transaction: a screen joins one active rollout at a time.
    await this.deps.repo.transaction(async () => {
      const busy = await this.deps.repo.activeScreens();
      for (const device of devices) {
        const other = busy.get(device.id);
        if (other) {
          throw new GatecastError(
            'CONFLICT',
            `screen ${device.id} is already in rollout ${other.rolloutId} (${other.state})`,
          );
        }
      }
      await this.deps.repo.insert(rollout, screens);
    });
    this.log.info(
      { rolloutId: rollout.id, version: release.version, screens: screens.length, by },
      'rollout created',
    );
    this.deps.poke();
    return rollout;
  }

  private async published(version: string): Promise<StoredRelease> {
    const release = await this.deps.releases.get(version);
    if (!release?.published) throw new GatecastError('NOT_FOUND', `no published release ${version}`);
    return release;
  }

  private async save(rollout: Rollout): Promise<Rollout> {
    const saved = { ...rollout, updatedAt: this.now().toISOString() };
    await this.deps.repo.update(saved);
    this.log.info(
      { rolloutId: saved.id, state: saved.state, reason: saved.pauseReason },
      'rollout state changed',
    );
    return saved;
  }
}

type RolloutSpec = {
  version: string;
  target: StoredTarget;
  waves: WaveSpec[];
  maxFailures: number;
  ignoreMaintenanceWindows: boolean;
  rollbackOf: string | null;
};

/** The new rollout and its screens, in waves, with the screens that already run the version skipped. */
function newRollout(
  spec: RolloutSpec,
  release: StoredRelease,
  devices: readonly DeviceRecord[],
  by: string | null,
  at: string,
): { rollout: Rollout; screens: RolloutScreen[] } {
  const id = `ro-${randomBytes(5).toString('hex')}`;
  const skips = new Map(
    devices.map((device) => [
      device.id,
      skipOf(release.version, release.manifest.rollback, agentVersionOf(device)),
    ]),
  );
  const waves = assignWaves(
    spec.waves,
    devices.map((device) => ({
      deviceId: device.id,
      gateId: device.gateId,
      online: device.presence.state === 'online',
      skipped: skips.get(device.id)?.skip ?? false,
    })),
  );
  const screens: RolloutScreen[] = devices.map((device) => {
    const skip = skips.get(device.id);
    return {
      rolloutId: id,
      deviceId: device.id,
      name: device.name,
      gateId: device.gateId,
      zoneId: device.zoneId,
      wave: waves.get(device.id) ?? spec.waves.length - 1,
      state: skip?.skip ? 'skipped' : 'pending',
      waitingFor: null,
      fromVersion: agentVersionOf(device),
      previous: null,
      problem: skip?.skip ? skip.problem : null,
      updatedAt: at,
    };
  });
  const rollout: Rollout = {
    id,
    version: release.version,
    state: 'running',
    pauseReason: null,
    target: spec.target,
    waves: spec.waves,
    gates: unique(devices.map((device) => device.gateId)),
    currentWave: 0,
    maxFailures: spec.maxFailures,
    failuresAccepted: 0,
    ignoreMaintenanceWindows: spec.ignoreMaintenanceWindows,
    rollbackOf: spec.rollbackOf,
    createdBy: by,
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
  };
  return { rollout, screens };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
