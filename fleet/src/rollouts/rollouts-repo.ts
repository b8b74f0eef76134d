import type { Logger } from 'pino';
import { z } from 'zod';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
import { parseJsonColumn } from '../store/json-column.js';
import { waveSpecSchema, type RolloutScreenState, type RolloutState } from './rollouts-api.js';
import type { Problem, Rollout, RolloutScreen, StoredTarget, WaitingReason } from './rollout-model.js';

interface RolloutRow {
  id: string;
  version: string;
  state: RolloutState;
  pause_reason: string | null;
  target: string;
  waves: string;
  gates: string;
  current_wave: number;
  max_failures: number;
  failures_accepted: number;
  ignore_windows: number;
  rollback_of: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

interface ScreenRow {
  rollout_id: string;
  device_id: string;
  name: string;
  gate_id: string;
  zone_id: string | null;
  wave: number;
  state: RolloutScreenState;
  waiting_for: WaitingReason | null;
  from_version: string | null;
  previous_version: string | null;
  previous_rollout: string | null;
  problem: string | null;
  updated_at: string;
}

const targetSchema = z.object({
  gates: z.array(z.string()),
  zones: z.array(z.string()),
  tags: z.array(z.string()),
  devices: z.array(z.string()),
});
const problemSchema = z.object({ code: z.string(), message: z.string() });
const EMPTY_TARGET: StoredTarget = { gates: [], zones: [], tags: [], devices: [] };

/** Plain SQL over rollouts and their screens; the rules live in the planner and the service. */
export class RolloutsRepo {
  constructor(
    private readonly store: Sql,
    private readonly log: Logger,
  ) {}

  async get(id: string): Promise<Rollout | undefined> {
    const row = await this.store.one<RolloutRow>(sql`SELECT * FROM rollouts WHERE id = ${id}`);
    return row && this.toRollout(row);
  }

  async list(): Promise<Rollout[]> {
    const rows = await this.store.all<RolloutRow>(
      sql`SELECT * FROM rollouts ORDER BY created_at DESC, id DESC`,
    );
    return rows.map((row) => this.toRollout(row));
  }

  async active(): Promise<Rollout[]> {
    const rows = await this.store.all<RolloutRow>(
      sql`SELECT * FROM rollouts WHERE state IN ('running', 'paused') ORDER BY created_at, id`,
    );
    return rows.map((row) => this.toRollout(row));
  }

  async screensOf(rolloutId: string): Promise<RolloutScreen[]> {
    const rows = await this.store.all<ScreenRow>(
      sql`SELECT * FROM rollout_screens WHERE rollout_id = ${rolloutId} ORDER BY wave, device_id`,
    );
    return rows.map((row) => this.toScreen(row));
  }

  /** Each screen in a running or paused rollout, with that rollout's id and state. */
  async activeScreens(): Promise<Map<string, { rolloutId: string; state: RolloutState }>> {
    const rows = await this.store.all<{ device_id: string; rollout_id: string; state: RolloutState }>(
      sql`SELECT s.device_id, s.rollout_id, r.state FROM rollout_screens s
          JOIN rollouts r ON r.id = s.rollout_id WHERE r.state IN ('running', 'paused')`,
    );
    return new Map(rows.map((row) => [row.device_id, { rolloutId: row.rollout_id, state: row.state }]));
  }

  async insert(rollout: Rollout, screens: readonly RolloutScreen[]): Promise<void> {
    const row = toRow(rollout);
    await this.store.transaction(async () => {
      await this.store.run(
        sql`INSERT INTO rollouts (id, version, state, pause_reason, target, waves, gates, current_wave,
              max_failures, failures_accepted, ignore_windows, rollback_of, created_by, created_at,
              updated_at, finished_at)
            VALUES (${row.id}, ${row.version}, ${row.state}, ${row.pause_reason}, ${row.target}, ${row.waves},
              ${row.gates}, ${row.current_wave}, ${row.max_failures}, ${row.failures_accepted},
              ${row.ignore_windows}, ${row.rollback_of}, ${row.created_by}, ${row.created_at},
              ${row.updated_at}, ${row.finished_at})`,
      );
      await this.saveScreens(screens);
    });
  }

  async update(rollout: Rollout): Promise<void> {
    const row = toRow(rollout);
    await this.store.run(
      sql`UPDATE rollouts SET state = ${row.state}, pause_reason = ${row.pause_reason},
            current_wave = ${row.current_wave}, failures_accepted = ${row.failures_accepted},
            updated_at = ${row.updated_at}, finished_at = ${row.finished_at}
          WHERE id = ${row.id}`,
    );
  }

  async saveScreens(screens: readonly RolloutScreen[]): Promise<void> {
    for (const screen of screens) {
      const row = toScreenRow(screen);
      await this.store.run(
        sql`INSERT INTO rollout_screens (rollout_id, device_id, name, gate_id, zone_id, wave, state,
              waiting_for, from_version, previous_version, previous_rollout, problem, updated_at)
            VALUES (${row.rollout_id}, ${row.device_id}, ${row.name}, ${row.gate_id}, ${row.zone_id},
              ${row.wave}, ${row.state}, ${row.waiting_for}, ${row.from_version}, ${row.previous_version},
              ${row.previous_rollout}, ${row.problem}, ${row.updated_at})
            ON CONFLICT (rollout_id, device_id) DO UPDATE SET state = excluded.state,
              waiting_for = excluded.waiting_for, previous_version = excluded.previous_version,
              previous_rollout = excluded.previous_rollout, problem = excluded.problem,
              updated_at = excluded.updated_at`,
      );
    }
  }

  /** All of `work` or none of it: what it writes through this repo and the assignments. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  private toRollout(row: RolloutRow): Rollout {
    const where = (column: string) => ({ table: 'rollouts', column, id: row.id });
    return {
      id: row.id,
      version: row.version,
      state: row.state,
      pauseReason: row.pause_reason,
      target: parseJsonColumn(targetSchema, row.target, this.log, where('target')) ?? EMPTY_TARGET,
      waves: parseJsonColumn(z.array(waveSpecSchema), row.waves, this.log, where('waves')) ?? [100],
      gates: parseJsonColumn(z.array(z.string()), row.gates, this.log, where('gates')) ?? [],
      currentWave: row.current_wave,
      maxFailures: row.max_failures,
      failuresAccepted: row.failures_accepted,
      ignoreMaintenanceWindows: row.ignore_windows === 1,
      rollbackOf: row.rollback_of,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
    };
  }

  private toScreen(row: ScreenRow): RolloutScreen {
    const where = { table: 'rollout_screens', column: 'problem', id: `${row.rollout_id}/${row.device_id}` };
    const problem: Problem | null =
      row.problem === null ? null : parseJsonColumn(problemSchema, row.problem, this.log, where);
    return {
      rolloutId: row.rollout_id,
      deviceId: row.device_id,
      name: row.name,
      gateId: row.gate_id,
      zoneId: row.zone_id,
      wave: row.wave,
      state: row.state,
      waitingFor: row.waiting_for,
      fromVersion: row.from_version,
      previous:
        row.previous_version === null
          ? null
          : { version: row.previous_version, rolloutId: row.previous_rollout },
      problem,
      updatedAt: row.updated_at,
    };
  }
}

function toRow(rollout: Rollout): RolloutRow {
  return {
    id: rollout.id,
    version: rollout.version,
    state: rollout.state,
    pause_reason: rollout.pauseReason,
    target: JSON.stringify(rollout.target),
    waves: JSON.stringify(rollout.waves),
    gates: JSON.stringify(rollout.gates),
    current_wave: rollout.currentWave,
    max_failures: rollout.maxFailures,
    failures_accepted: rollout.failuresAccepted,
    ignore_windows: rollout.ignoreMaintenanceWindows ? 1 : 0,
    rollback_of: rollout.rollbackOf,
    created_by: rollout.createdBy,
    created_at: rollout.createdAt,
    updated_at: rollout.updatedAt,
    finished_at: rollout.finishedAt,
  };
}

function toScreenRow(screen: RolloutScreen): ScreenRow {
  return {
    rollout_id: screen.rolloutId,
    device_id: screen.deviceId,
    name: screen.name,
    gate_id: screen.gateId,
    zone_id: screen.zoneId,
    wave: screen.wave,
    state: screen.state,
    waiting_for: screen.waitingFor,
    from_version: screen.fromVersion,
    previous_version: screen.previous?.version ?? null,
    previous_rollout: screen.previous?.rolloutId ?? null,
    problem: screen.problem === null ? null : JSON.stringify(screen.problem),
    updated_at: screen.updatedAt,
  };
}
