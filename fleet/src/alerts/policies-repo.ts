import { sql } from 'kysely';
import { GatecastError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { Sql } from '../store/sql.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import { policyOverrideSchema, type PolicyOverride } from './alert-policy.js';

export interface StoredOverride extends PolicyOverride {
  gateId: string;
  zoneId: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

interface PolicyRow {
  gate_id: string;
  zone_id: string;
  policy: string;
  updated_at: string;
  updated_by: string | null;
}

/** Alert policy overrides per gate (zone '') and per zone. */
export class PoliciesRepo {
  constructor(
    private readonly store: Sql,
    private readonly log: Logger,
  ) {}

  async list(): Promise<StoredOverride[]> {
    const rows = await this.store.all<PolicyRow>(sql`SELECT * FROM alert_policies ORDER BY gate_id, zone_id`);
    return rows.flatMap((row) => this.toStored(row));
  }

  /** NOT_FOUND for an unknown gate. */
  async set(
    gateId: string,
    zoneId: string | null,
    policy: PolicyOverride,
    at: string,
    by: string | null,
  ): Promise<StoredOverride> {
    try {
      await this.store.run(
        sql`INSERT INTO alert_policies (gate_id, zone_id, policy, updated_at, updated_by)
            VALUES (${gateId}, ${zoneId ?? ''}, ${JSON.stringify(policy)}, ${at}, ${by})
            ON CONFLICT (gate_id, zone_id) DO UPDATE SET policy = excluded.policy,
              updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      );
    } catch (error) {
      if (isConstraintError(error, 'foreign-key')) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
      throw error;
    }
    return { gateId, zoneId, ...policy, updatedAt: at, updatedBy: by };
  }

  /** False when there was no such override. */
  async remove(gateId: string, zoneId: string | null): Promise<boolean> {
    const removed = await this.store.run(
      sql`DELETE FROM alert_policies WHERE gate_id = ${gateId} AND zone_id = ${zoneId ?? ''}`,
    );
    return removed > 0;
  }

  private toStored(row: PolicyRow): StoredOverride[] {
    const where = { table: 'alert_policies', column: 'policy', id: `${row.gate_id}/${row.zone_id}` };
    const policy = parseJsonColumn(policyOverrideSchema, row.policy, this.log, where);
    if (!policy) return [];
    const zoneId = row.zone_id === '' ? null : row.zone_id;
    return [{ gateId: row.gate_id, zoneId, ...policy, updatedAt: row.updated_at, updatedBy: row.updated_by }];
  }
}
