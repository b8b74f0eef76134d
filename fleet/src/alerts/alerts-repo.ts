import { sql } from 'kysely';
import { GatecastError } from '@gatecast/protocol';
import { isIn, jsonText } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';
import type { AlertRule, AlertTransition } from './alert-types.js';
import {
  decodeCursor,
  encodeCursor,
  toAlert,
  toTransition,
  type AlertListQuery,
  type AlertRecord,
  type AlertRow,
  type Notified,
  type TransitionRecord,
  type TransitionRow,
} from './alert-records.js';

export type {
  AlertListQuery,
  AlertPlace,
  AlertRecord,
  AlertState,
  Notified,
  TransitionRecord,
} from './alert-records.js';

/**
 * Alerts and their transitions. The engine makes one over its recording transaction (`new
 * AlertsRepo(tx)`), so what it reads and writes there is one unit.
 */
export class AlertsRepo {
  constructor(private readonly store: Sql) {}

  async insert(
    alert: Omit<AlertRecord, 'state' | 'escalatedAt' | 'resolvedAt' | 'acknowledged'>,
  ): Promise<void> {
    await this.store.run(
      sql`INSERT INTO alerts (id, device_id, device_name, gate_id, gate_name, zone_id, zone_name, rule,
            severity, state, since, fired_at, flapping, facts)
          VALUES (${alert.id}, ${alert.device.id}, ${alert.device.name}, ${alert.gate.id}, ${alert.gate.name},
            ${alert.zone.id}, ${alert.zone.name}, ${alert.rule}, ${alert.severity}, 'open', ${alert.since},
            ${alert.firedAt}, ${alert.flapping ? 1 : 0}, ${JSON.stringify(alert.facts)})`,
    );
  }

  async addTransition(alertId: string, transition: TransitionRecord): Promise<void> {
    const { id, kind, at, facts, notified } = transition;
    await this.store.run(
      sql`INSERT INTO alert_transitions (id, alert_id, kind, at, facts, notified)
          VALUES (${id}, ${alertId}, ${kind}, ${at}, ${JSON.stringify(facts)}, ${notified})`,
    );
  }

  async markFlapping(alertId: string): Promise<void> {
    await this.store.run(sql`UPDATE alerts SET flapping = 1 WHERE id = ${alertId}`);
  }

  async markEscalated(alertId: string, at: string): Promise<void> {
    await this.store.run(sql`UPDATE alerts SET escalated_at = ${at} WHERE id = ${alertId}`);
  }

  async markResolved(alertId: string, at: string): Promise<void> {
    await this.store.run(
      sql`UPDATE alerts SET state = 'resolved', resolved_at = ${at} WHERE id = ${alertId} AND state = 'open'`,
    );
  }

  /** Held transitions of an alert, oldest first. */
  async held(alertId: string): Promise<TransitionRecord[]> {
    const rows = await this.store.all<TransitionRow>(
      sql`SELECT id, kind, at, facts, notified FROM alert_transitions
          WHERE alert_id = ${alertId} AND notified = 'held' ORDER BY seq`,
    );
    return rows.map(toTransition);
  }

  async setNotified(transitionIds: readonly string[], notified: Notified): Promise<void> {
    if (transitionIds.length === 0) return;
    await this.store.run(
      sql`UPDATE alert_transitions SET notified = ${notified} WHERE ${isIn('id', transitionIds)}`,
    );
  }

  async get(id: string): Promise<AlertRecord | undefined> {
    const row = await this.store.one<AlertRow>(sql`SELECT * FROM alerts WHERE id = ${id}`);
    return row && toAlert(row);
  }

  /** Newest firing first; `nextBefore` is null on the last page. */
  async list(query: AlertListQuery): Promise<{ alerts: AlertRecord[]; nextBefore: string | null }> {
    const cursor = query.before === undefined ? null : decodeCursor(query.before);
    const where = [sql`1 = 1`];
    if (query.state !== 'all') where.push(sql`state = ${query.state}`);
    if (query.gates !== 'all') where.push(isIn('gate_id', query.gates));
    if (query.gateId !== undefined) where.push(sql`gate_id = ${query.gateId}`);
    if (cursor) where.push(sql`(fired_at < ${cursor.at} OR (fired_at = ${cursor.at} AND id < ${cursor.id}))`);
    const rows = await this.store.all<AlertRow>(
      sql`SELECT * FROM alerts WHERE ${sql.join(where, sql` AND `)}
          ORDER BY fired_at DESC, id DESC LIMIT ${query.limit + 1}`,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextBefore = rows.length > query.limit && last ? encodeCursor(last.fired_at, last.id) : null;
    return { alerts: page.map(toAlert), nextBefore };
  }

  async transitions(alertId: string): Promise<TransitionRecord[]> {
    const rows = await this.store.all<TransitionRow>(
      sql`SELECT id, kind, at, facts, notified FROM alert_transitions WHERE alert_id = ${alertId} ORDER BY seq`,
    );
    return rows.map(toTransition);
  }

  /** CONFLICT when already acknowledged: the write is conditional, so two at once cannot both win. */
  async acknowledge(id: string, by: string, at: string, note: string | null): Promise<void> {
    const changed = await this.store.run(
      sql`UPDATE alerts SET ack_by = ${by}, ack_at = ${at}, ack_note = ${note} WHERE id = ${id} AND ack_at IS NULL`,
    );
    if (changed > 0) return;
    if (!(await this.get(id))) throw new GatecastError('NOT_FOUND', `no alert ${id}`);
    throw new GatecastError('CONFLICT', `alert ${id} is already acknowledged`);
  }

  /** Whether someone acknowledged the update-failed alert raised for this event. */
  async updateFailureDismissed(deviceId: string, eventId: string): Promise<boolean> {
    const row = await this.store.one(
      sql`SELECT 1 AS dismissed FROM alerts WHERE device_id = ${deviceId} AND rule = 'update-failed'
            AND ack_at IS NOT NULL AND ${jsonText(this.store.dialect, 'facts', 'eventId')} = ${eventId}`,
    );
    return row !== undefined;
  }

  /** The open alert of a screen and rule, if any. */
  async openFor(deviceId: string, rule: AlertRule): Promise<AlertRecord | undefined> {
    const row = await this.store.one<AlertRow>(
      sql`SELECT * FROM alerts WHERE device_id = ${deviceId} AND rule = ${rule} AND state = 'open'`,
    );
    return row && toAlert(row);
  }

  /** Open alerts of screens no longer in the store. */
  async openOfRemovedDevices(): Promise<AlertRecord[]> {
    const rows = await this.store.all<AlertRow>(
      sql`SELECT * FROM alerts WHERE state = 'open' AND device_id NOT IN (SELECT id FROM devices)`,
    );
    return rows.map(toAlert);
  }

  /** The transition as the notifiers see it. */
  toSinkTransition(alert: AlertRecord, transition: TransitionRecord): AlertTransition {
    return {
      id: transition.id,
      alertId: alert.id,
      kind: transition.kind,
      rule: alert.rule,
      severity: alert.severity,
      device: alert.device,
      gate: alert.gate,
      zone: alert.zone,
      since: alert.since,
      at: transition.at,
      flapping: alert.flapping,
      facts: transition.facts,
    };
  }
}
