import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
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
  private readonly log: Logger;
  private readonly stmts;

  constructor(db: Database, log: Logger) {
    this.log = log;
    this.stmts = prepare(db);
  }

  all(): StoredMemory[] {
    return this.stmts.all.all().flatMap((row) => {
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

  /** Does nothing for a screen no longer in the store (its memory went with it). */
  save(deviceId: string, rule: AlertRule, memory: RuleMemory, dueAt: string | null): void {
    this.stmts.save.run({ device_id: deviceId, rule, memory: JSON.stringify(memory), due_at: dueAt });
  }
}

function prepare(db: Database) {
  return {
    all: db.prepare<[], MemoryRow>('SELECT * FROM alert_memory'),
    save: db.prepare<[MemoryRow]>(
      `INSERT INTO alert_memory (device_id, rule, memory, due_at)
       SELECT @device_id, @rule, @memory, @due_at WHERE EXISTS (SELECT 1 FROM devices WHERE id = @device_id)
       ON CONFLICT (device_id, rule) DO UPDATE SET memory = excluded.memory, due_at = excluded.due_at`,
    ),
  };
}
