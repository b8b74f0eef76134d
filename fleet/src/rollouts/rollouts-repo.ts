import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../store/database.js';
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
  private readonly stmts;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {
    this.stmts = {
      get: db.prepare<[string], RolloutRow>('SELECT * FROM rollouts WHERE id = ?'),
      list: db.prepare<[], RolloutRow>('SELECT * FROM rollouts ORDER BY created_at DESC, id DESC'),
      active: db.prepare<[], RolloutRow>(
        "SELECT * FROM rollouts WHERE state IN ('running', 'paused') ORDER BY created_at, id",
      ),
      insert: db.prepare<[RolloutRow]>(
        `INSERT INTO rollouts (id, version, state, pause_reason, target, waves, gates, current_wave,
           max_failures, failures_accepted, ignore_windows, rollback_of, created_by, created_at,
           updated_at, finished_at)
         VALUES (@id, @version, @state, @pause_reason, @target, @waves, @gates, @current_wave,
           @max_failures, @failures_accepted, @ignore_windows, @rollback_of, @created_by, @created_at,
           @updated_at, @finished_at)`,
      ),
      update: db.prepare<[RolloutRow]>(
        `UPDATE rollouts SET state = @state, pause_reason = @pause_reason, current_wave = @current_wave,
           failures_accepted = @failures_accepted, updated_at = @updated_at, finished_at = @finished_at
         WHERE id = @id`,
      ),
      screens: db.prepare<[string], ScreenRow>(
        'SELECT * FROM rollout_screens WHERE rollout_id = ? ORDER BY wave, device_id',
      ),
      saveScreen: db.prepare<[ScreenRow]>(
        `INSERT INTO rollout_screens (rollout_id, device_id, name, gate_id, zone_id, wave, state,
           waiting_for, from_version, previous_version, previous_rollout, problem, updated_at)
         VALUES (@rollout_id, @device_id, @name, @gate_id, @zone_id, @wave, @state, @waiting_for,
           @from_version, @previous_version, @previous_rollout, @problem, @updated_at)
         ON CONFLICT (rollout_id, device_id) DO UPDATE SET state = excluded.state,
           waiting_for = excluded.waiting_for, previous_version = excluded.previous_version,
           previous_rollout = excluded.previous_rollout, problem = excluded.problem,
           updated_at = excluded.updated_at`,
      ),
      activeScreens: db.prepare<[], { device_id: string; rollout_id: string; state: RolloutState }>(
        `SELECT s.device_id, s.rollout_id, r.state FROM rollout_screens s
           JOIN rollouts r ON r.id = s.rollout_id WHERE r.state IN ('running', 'paused')`,
      ),
    };
  }

  get(id: string): Rollout | undefined {
    const row = this.stmts.get.get(id);
    return row && this.toRollout(row);
  }

  list(): Rollout[] {
    return this.stmts.list.all().map((row) => this.toRollout(row));
  }

  active(): Rollout[] {
    return this.stmts.active.all().map((row) => this.toRollout(row));
  }

  screensOf(rolloutId: string): RolloutScreen[] {
    return this.stmts.screens.all(rolloutId).map((row) => this.toScreen(row));
  }

  /** Each screen in a running or paused rollout, with that rollout's id and state. */
  activeScreens(): Map<string, { rolloutId: string; state: RolloutState }> {
    return new Map(
      this.stmts.activeScreens
        .all()
        .map((row) => [row.device_id, { rolloutId: row.rollout_id, state: row.state }]),
    );
  }

  insert(rollout: Rollout, screens: readonly RolloutScreen[]): void {
    this.db.transaction(() => {
      this.stmts.insert.run(toRow(rollout));
      for (const screen of screens) this.stmts.saveScreen.run(toScreenRow(screen));
    })();
  }

  update(rollout: Rollout): void {
    this.stmts.update.run(toRow(rollout));
  }

  saveScreens(screens: readonly RolloutScreen[]): void {
    for (const screen of screens) this.stmts.saveScreen.run(toScreenRow(screen));
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
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
