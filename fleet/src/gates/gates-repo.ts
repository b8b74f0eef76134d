import {
  GatecastError,
  describeZodError,
  languageTagSchema,
  slugSchema,
  timeZoneSchema,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../store/database.js';
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
  private readonly stmts;

  constructor(db: Database, log?: Logger) {
    this.log = (log ?? fallbackLogger('gates')).child({ mod: 'gates' });
    this.stmts = {
      allGates: db.prepare<[], GateRow>('SELECT * FROM gates ORDER BY id'),
      gate: db.prepare<[string], GateRow>('SELECT * FROM gates WHERE id = ?'),
      allZones: db.prepare<[], ZoneRow>('SELECT * FROM zones ORDER BY gate_id, id'),
      zonesOf: db.prepare<[string], ZoneRow>('SELECT * FROM zones WHERE gate_id = ? ORDER BY id'),
      insertGate: db.prepare<[GateRow]>(
        'INSERT INTO gates (id, name, time_zone, languages, created_at) VALUES (@id, @name, @time_zone, @languages, @created_at)',
      ),
      webAllowList: db.prepare<[string], { web_allow_list: string }>(
        'SELECT web_allow_list FROM gates WHERE id = ?',
      ),
      setWebAllowList: db.prepare<[string, string]>('UPDATE gates SET web_allow_list = ? WHERE id = ?'),
      maintenanceWindows: db.prepare<[], { id: string; maintenance_window: string | null }>(
        'SELECT id, maintenance_window FROM gates',
      ),
      setMaintenanceWindow: db.prepare<[string | null, string]>(
        'UPDATE gates SET maintenance_window = ? WHERE id = ?',
      ),
      insertZone: db.prepare<[ZoneRow]>(
        'INSERT INTO zones (gate_id, id, name, created_at) VALUES (@gate_id, @id, @name, @created_at)',
      ),
    };
  }

  list(): Gate[] {
    const zonesByGate = new Map<string, Zone[]>();
    for (const row of this.stmts.allZones.all()) {
      const zones = zonesByGate.get(row.gate_id) ?? [];
      zones.push(toZone(row));
      zonesByGate.set(row.gate_id, zones);
    }
    return this.stmts.allGates.all().map((row) => this.toGate(row, zonesByGate.get(row.id) ?? []));
  }

  get(id: string): Gate | undefined {
    const row = this.stmts.gate.get(id);
    return row && this.toGate(row, this.stmts.zonesOf.all(id).map(toZone));
  }

  /** Defaults: Asia/Ho_Chi_Minh and DEFAULT_LANGUAGES. CONFLICT if the id exists. */
  create(input: { id: string; name: string; timeZone?: string; languages?: string[] }): Gate {
    const parsed = gateInputSchema.safeParse(input);
    if (!parsed.success) throw new GatecastError('BAD_REQUEST', `gate: ${describeZodError(parsed.error)}`);
    const gate = { ...parsed.data, createdAt: new Date().toISOString() };
    try {
      this.stmts.insertGate.run({
        id: gate.id,
        name: gate.name,
        time_zone: gate.timeZone,
        languages: JSON.stringify(gate.languages),
        created_at: gate.createdAt,
      });
    } catch (error) {
      if (isConstraintError(error, 'primary-key')) {
        throw new GatecastError('CONFLICT', `gate ${gate.id} already exists`);
      }
      throw error;
    }
    return { ...gate, zones: [] };
  }

  /** NOT_FOUND for an unknown gate, CONFLICT for a zone id the gate already has. */
  addZone(gateId: string, input: { id: string; name: string }): Zone {
    const parsed = zoneInputSchema.safeParse(input);
    if (!parsed.success) throw new GatecastError('BAD_REQUEST', `zone: ${describeZodError(parsed.error)}`);
    if (!this.stmts.gate.get(gateId)) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    const row: ZoneRow = { gate_id: gateId, ...parsed.data, created_at: new Date().toISOString() };
    try {
      this.stmts.insertZone.run(row);
    } catch (error) {
      if (isConstraintError(error, 'primary-key')) {
        throw new GatecastError('CONFLICT', `zone ${row.id} already exists in gate ${gateId}`);
      }
      // The gate was removed meanwhile by another process sharing the file.
      if (isConstraintError(error, 'foreign-key')) {
        throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
      }
      throw error;
    }
    return toZone(row);
  }

  /** The origins and host wildcards web items at this gate may show; NOT_FOUND for an unknown gate. */
  webAllowList(gateId: string): string[] {
    const row = this.stmts.webAllowList.get(gateId);
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
  setWebAllowList(gateId: string, entries: readonly string[]): string[] {
    const list = normaliseAllowList(entries);
    if (list.length > 200)
      throw new GatecastError('BAD_REQUEST', 'a web allow-list may have at most 200 entries');
    const changed = this.stmts.setWebAllowList.run(JSON.stringify(list), gateId).changes;
    if (changed === 0) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    return list;
  }

  /**
   * Each gate's maintenance window (when rollouts may hand screens a release), null for any time.
   * Read all at once: the rollout engine asks for every gate of its screens on each round.
   */
  maintenanceWindows(): Map<string, DailyWindow | null> {
    const windows = new Map<string, DailyWindow | null>();
    for (const row of this.stmts.maintenanceWindows.all()) {
      const where = { table: 'gates', column: 'maintenance_window', id: row.id };
      const window =
        row.maintenance_window === null
          ? null
          : parseJsonColumn(dailyWindowSchema, row.maintenance_window, this.log, where);
      windows.set(row.id, window);
    }
    return windows;
  }

  maintenanceWindow(gateId: string): DailyWindow | null {
    return this.maintenanceWindows().get(gateId) ?? null;
  }

  /** NOT_FOUND for an unknown gate. */
  setMaintenanceWindow(gateId: string, window: DailyWindow | null): DailyWindow | null {
    const value = window === null ? null : JSON.stringify({ from: window.from, to: window.to });
    const changed = this.stmts.setMaintenanceWindow.run(value, gateId).changes;
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
