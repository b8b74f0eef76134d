import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Sql } from '../store/sql.js';
import type { RuleMemory } from './alert-machine.js';
import { ALERT_RULES, type AlertRule } from './alert-types.js';

export interface StoredMemory {
  deviceId: string;
  rule: AlertRule;
  memory: RuleMemory;
  dueAt: string | null;
}

interface MemoryRow {
  device_id: string;
  rule: string;
  memory: string;
  due_at: string | null;
}

/**
 * The engine's memory per screen and rule (pending delays, open alerts, held notifications), so a
 * fleet restart neither loses a pending delay nor fires an open alert again.
 */
export class MemoryRepo {
  constructor(
    private readonly store: Sql,
    private readonly log: Logger,
  ) {}

  async all(): Promise<StoredMemory[]> {
    const rows = await this.store.all<MemoryRow>(sql`SELECT * FROM alert_memory`);
    return rows.flatMap((row) => {
      if (!(ALERT_RULES as readonly string[]).includes(row.rule)) return [];
      try {
        const memory = JSON.parse(row.memory) as RuleMemory;
        return [{ deviceId: row.device_id, rule: row.rule as AlertRule, memory, dueAt: row.due_at }];
      } catch (error) {
        this.log.error(
          { deviceId: row.device_id, rule: row.rule, err: (error as Error).message },
          'corrupt alert memory ignored',
        );
        return [];
      }
    });
  }

  /** Does nothing for a screen no longer in the store (its memory went with it). `tx`: the engine's. */
  async save(
    tx: Sql,
    deviceId: string,
    rule: AlertRule,
    memory: RuleMemory,
    dueAt: string | null,
  ): Promise<void> {
    // A SELECT list's parameters have no type PostgreSQL can infer: the casts say text.
    await tx.run(
      sql`INSERT INTO alert_memory (device_id, rule, memory, due_at)
          SELECT CAST(${deviceId} AS TEXT), CAST(${rule} AS TEXT), CAST(${JSON.stringify(memory)} AS TEXT),
            CAST(${dueAt} AS TEXT)
          WHERE EXISTS (SELECT 1 FROM devices WHERE id = ${deviceId})
          ON CONFLICT (device_id, rule) DO UPDATE SET memory = excluded.memory, due_at = excluded.due_at`,
    );
  }
}
