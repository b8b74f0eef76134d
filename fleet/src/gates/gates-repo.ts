import {
  GatecastError,
  describeZodError,
  languageTagSchema,
  slugSchema,
  timeZoneSchema,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import { normaliseAllowList } from '../library/url-allow-list.js';
import { dailyWindowSchema, type DailyWindow } from '../alerts/daily-window.js';

export interface Zone {
  id: string;
  gateId: string;
  name: string;
  createdAt: string;
}

export interface Gate {
  id: string;
  name: string;
  timeZone: string;
  languages: string[];
  createdAt: string;
  zones: Zone[];
}

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Vietnamese first, then the languages of Hai Phong's most frequent arrivals. */
export const DEFAULT_LANGUAGES: readonly string[] = ['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru'];

const nameSchema = z.string().trim().min(1).max(120);

const languagesSchema = z
  .array(languageTagSchema)
  .min(1)
  .max(16)
  .refine((tags) => new Set(tags).size === tags.length, 'must not repeat a language');

const gateInputSchema = z.object({
  id: slugSchema,
  name: nameSchema,
  timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  languages: languagesSchema.default([...DEFAULT_LANGUAGES]),
});

const allowListSchema = z.array(z.string());

const zoneInputSchema = z.object({ id: slugSchema, name: nameSchema });

interface GateRow {
  id: string;
  name: string;
  time_zone: string;
  languages: string;
  created_at: string;
}

interface ZoneRow {
  gate_id: string;
  id: string;
  name: string;
  created_at: string;
}

export class GatesRepo {
  private readonly log: Logger;

  constructor(
    private readonly store: Sql,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('gates')).child({ mod: 'gates' });
  }

  async list(): Promise<Gate[]> {
    const zonesByGate = new Map<string, Zone[]>();
    for (const row of await this.store.all<ZoneRow>(sql`SELECT * FROM zones ORDER BY gate_id, id`)) {
      const zones = zonesByGate.get(row.gate_id) ?? [];
      zones.push(toZone(row));
      zonesByGate.set(row.gate_id, zones);
    }
    const gates = await this.store.all<GateRow>(sql`SELECT * FROM gates ORDER BY id`);
    return gates.map((row) => this.toGate(row, zonesByGate.get(row.id) ?? []));
  }

  async get(id: string): Promise<Gate | undefined> {
    const row = await this.store.one<GateRow>(sql`SELECT * FROM gates WHERE id = ${id}`);
    if (!row) return undefined;
    const zones = await this.store.all<ZoneRow>(sql`SELECT * FROM zones WHERE gate_id = ${id} ORDER BY id`);
    return this.toGate(row, zones.map(toZone));
  }

  /** Defaults: Asia/Ho_Chi_Minh and DEFAULT_LANGUAGES. CONFLICT if the id exists. */
  async create(input: { id: string; name: string; timeZone?: string; languages?: string[] }): Promise<Gate> {
    const parsed = gateInputSchema.safeParse(input);
    if (!parsed.success) throw new GatecastError('BAD_REQUEST', `gate: ${describeZodError(parsed.error)}`);
    const gate = { ...parsed.data, createdAt: new Date().toISOString() };
    const inserted = await this.store.run(
      sql`INSERT INTO gates (id, name, time_zone, languages, created_at)
          VALUES (${gate.id}, ${gate.name}, ${gate.timeZone}, ${JSON.stringify(gate.languages)}, ${gate.createdAt})
          ON CONFLICT DO NOTHING`,
    );
    if (inserted === 0) throw new GatecastError('CONFLICT', `gate ${gate.id} already exists`);
    return { ...gate, zones: [] };
  }

  /** NOT_FOUND for an unknown gate, CONFLICT for a zone id the gate already has. */
  async addZone(gateId: string, input: { id: string; name: string }): Promise<Zone> {
    const parsed = zoneInputSchema.safeParse(input);
    if (!parsed.success) throw new GatecastError('BAD_REQUEST', `zone: ${describeZodError(parsed.error)}`);
    const row: ZoneRow = { gate_id: gateId, ...parsed.data, created_at: new Date().toISOString() };
    let inserted: number;
    try {
      // Written only while the gate exists: one statement, whatever another process does meanwhile.
      inserted = await this.store.run(
        sql`INSERT INTO zones (gate_id, id, name, created_at)
            SELECT ${row.gate_id}, ${row.id}, ${row.name}, ${row.created_at} FROM gates WHERE id = ${gateId}
            ON CONFLICT DO NOTHING`,
      );
    } catch (error) {
      // The gate was removed between the SELECT and the INSERT by another process.
      if (isConstraintError(error, 'foreign-key')) {
        throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
      }
      throw error;
    }
    if (inserted === 0) {
      if (!(await this.store.one(sql`SELECT 1 AS found FROM gates WHERE id = ${gateId}`))) {
        throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
      }
      throw new GatecastError('CONFLICT', `zone ${row.id} already exists in gate ${gateId}`);
    }
    return toZone(row);
  }

  /** The origins and host wildcards web items at this gate may show; NOT_FOUND for an unknown gate. */
  async webAllowList(gateId: string): Promise<string[]> {
    const row = await this.store.one<{ web_allow_list: string }>(
      sql`SELECT web_allow_list FROM gates WHERE id = ${gateId}`,
    );
    if (!row) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    return (
      parseJsonColumn(allowListSchema, row.web_allow_list, this.log, {
        table: 'gates',
        column: 'web_allow_list',
        id: gateId,
      }) ?? []
    );
  }

  /** Replaces the list, written canonically; BAD_REQUEST naming the first invalid entry. */
  async setWebAllowList(gateId: string, entries: readonly string[]): Promise<string[]> {
    const list = normaliseAllowList(entries);
    if (list.length > 200)
      throw new GatecastError('BAD_REQUEST', 'a web allow-list may have at most 200 entries');
    const changed = await this.store.run(
      sql`UPDATE gates SET web_allow_list = ${JSON.stringify(list)} WHERE id = ${gateId}`,
    );
    if (changed === 0) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    return list;
  }

  /**
   * Each gate's maintenance window (when rollouts may hand screens a release), null for any time.
   * Read all at once: the rollout engine asks for every gate of its screens on each round.
   */
  async maintenanceWindows(): Promise<Map<string, DailyWindow | null>> {
    const windows = new Map<string, DailyWindow | null>();
    const rows = await this.store.all<{ id: string; maintenance_window: string | null }>(
      sql`SELECT id, maintenance_window FROM gates`,
    );
    for (const row of rows) {
      const where = { table: 'gates', column: 'maintenance_window', id: row.id };
      const window =
        row.maintenance_window === null
          ? null
          : parseJsonColumn(dailyWindowSchema, row.maintenance_window, this.log, where);
      windows.set(row.id, window);
    }
    return windows;
  }

  async maintenanceWindow(gateId: string): Promise<DailyWindow | null> {
    return (await this.maintenanceWindows()).get(gateId) ?? null;
  }

  /** NOT_FOUND for an unknown gate. */
  async setMaintenanceWindow(gateId: string, window: DailyWindow | null): Promise<DailyWindow | null> {
    const value = window === null ? null : JSON.stringify({ from: window.from, to: window.to });
    const changed = await this.store.run(
      sql`UPDATE gates SET maintenance_window = ${value} WHERE id = ${gateId}`,
    );
    if (changed === 0) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    return window === null ? null : { from: window.from, to: window.to };
  }

  private toGate(row: GateRow, zones: Zone[]): Gate {
    const languages = parseJsonColumn(languagesSchema, row.languages, this.log, {
      table: 'gates',
      column: 'languages',
      id: row.id,
    });
    return {
      id: row.id,
      name: row.name,
      timeZone: row.time_zone,
      languages: languages ?? [...DEFAULT_LANGUAGES],
      createdAt: row.created_at,
      zones,
    };
  }
}

function toZone(row: ZoneRow): Zone {
  return { id: row.id, gateId: row.gate_id, name: row.name, createdAt: row.created_at };
}
