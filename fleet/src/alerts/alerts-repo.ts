import { GatecastError } from '@gatecast/protocol';
import type { Database } from '../store/database.js';
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

/** Alerts and their transitions. Synchronous: the engine calls it inside its own transactions. */
export class AlertsRepo {
  private readonly db: Database;
  private readonly stmts;

  constructor(db: Database) {
    this.db = db;
    this.stmts = prepare(db);
  }

  insert(alert: Omit<AlertRecord, 'state' | 'escalatedAt' | 'resolvedAt' | 'acknowledged'>): void {
    this.stmts.insert.run({
      id: alert.id,
      device_id: alert.device.id,
      device_name: alert.device.name,
      gate_id: alert.gate.id,
      gate_name: alert.gate.name,
      zone_id: alert.zone.id,
      zone_name: alert.zone.name,
      rule: alert.rule,
      severity: alert.severity,
      since: alert.since,
      fired_at: alert.firedAt,
      flapping: alert.flapping ? 1 : 0,
      facts: JSON.stringify(alert.facts),
    });
  }

  addTransition(alertId: string, transition: TransitionRecord): void {
    const { id, kind, at, facts, notified } = transition;
    this.stmts.addTransition.run({ id, alert_id: alertId, kind, at, facts: JSON.stringify(facts), notified });
  }

  markFlapping(alertId: string): void {
    this.stmts.flapping.run(alertId);
  }

  markEscalated(alertId: string, at: string): void {
    this.stmts.escalated.run(at, alertId);
  }

  markResolved(alertId: string, at: string): void {
    this.stmts.resolved.run(at, alertId);
  }

  /** Held transitions of an alert, oldest first. */
  held(alertId: string): TransitionRecord[] {
    return this.stmts.held.all(alertId).map(toTransition);
  }

  setNotified(transitionIds: readonly string[], notified: Notified): void {
    for (const id of transitionIds) this.stmts.setNotified.run(notified, id);
  }

  get(id: string): AlertRecord | undefined {
    const row = this.stmts.get.get(id);
    return row && toAlert(row);
  }

  /** Newest firing first; `nextBefore` is null on the last page. */
  list(query: AlertListQuery): { alerts: AlertRecord[]; nextBefore: string | null } {
    const cursor = query.before === undefined ? null : decodeCursor(query.before);
    const gates = query.gates === 'all' ? null : JSON.stringify(query.gates);
    const rows = this.stmts.list.all({
      state: query.state === 'all' ? null : query.state,
      gates,
      gate_id: query.gateId ?? null,
      before_at: cursor?.at ?? null,
      before_id: cursor?.id ?? null,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextBefore = rows.length > query.limit && last ? encodeCursor(last.fired_at, last.id) : null;
    return { alerts: page.map(toAlert), nextBefore };
  }

  transitions(alertId: string): TransitionRecord[] {
    return this.stmts.transitions.all(alertId).map(toTransition);
  }

  /** CONFLICT when already acknowledged. */
  acknowledge(id: string, by: string, at: string, note: string | null): void {
    if (this.stmts.ack.run({ id, by, at, note }).changes === 0) {
      if (!this.stmts.get.get(id)) throw new GatecastError('NOT_FOUND', `no alert ${id}`);
      throw new GatecastError('CONFLICT', `alert ${id} is already acknowledged`);
    }
  }

  /** Whether someone acknowledged the update-failed alert raised for this event. */
  updateFailureDismissed(deviceId: string, eventId: string): boolean {
    return this.stmts.dismissed.get(deviceId, eventId) !== undefined;
  }

  /** The open alert of a screen and rule, if any. */
  openFor(deviceId: string, rule: AlertRule): AlertRecord | undefined {
    const row = this.stmts.openFor.get(deviceId, rule);
    return row && toAlert(row);
  }

  /** Open alerts of screens no longer in the store. */
  openOfRemovedDevices(): AlertRecord[] {
    return this.stmts.orphans.all().map(toAlert);
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

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

function prepare(db: Database) {
  return {
    insert: db.prepare<[Record<string, string | number>]>(
      `INSERT INTO alerts (id, device_id, device_name, gate_id, gate_name, zone_id, zone_name, rule,
         severity, state, since, fired_at, flapping, facts)
       VALUES (@id, @device_id, @device_name, @gate_id, @gate_name, @zone_id, @zone_name, @rule,
         @severity, 'open', @since, @fired_at, @flapping, @facts)`,
    ),
    addTransition: db.prepare<[Record<string, string>]>(
      `INSERT INTO alert_transitions (id, alert_id, kind, at, facts, notified)
       VALUES (@id, @alert_id, @kind, @at, @facts, @notified)`,
    ),
    flapping: db.prepare<[string]>('UPDATE alerts SET flapping = 1 WHERE id = ?'),
    escalated: db.prepare<[string, string]>('UPDATE alerts SET escalated_at = ? WHERE id = ?'),
    resolved: db.prepare<[string, string]>(
      `UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'open'`,
    ),
    held: db.prepare<[string], TransitionRow>(
      `SELECT id, kind, at, facts, notified FROM alert_transitions
       WHERE alert_id = ? AND notified = 'held' ORDER BY seq`,
    ),
    setNotified: db.prepare<[Notified, string]>('UPDATE alert_transitions SET notified = ? WHERE id = ?'),
    get: db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?'),
    list: db.prepare<[Record<string, string | number | null>], AlertRow>(
      `SELECT * FROM alerts
       WHERE (@state IS NULL OR state = @state)
         AND (@gates IS NULL OR gate_id IN (SELECT value FROM json_each(@gates)))
         AND (@gate_id IS NULL OR gate_id = @gate_id)
         AND (@before_at IS NULL OR fired_at < @before_at OR (fired_at = @before_at AND id < @before_id))
       ORDER BY fired_at DESC, id DESC LIMIT @limit`,
    ),
    transitions: db.prepare<[string], TransitionRow>(
      'SELECT id, kind, at, facts, notified FROM alert_transitions WHERE alert_id = ? ORDER BY seq',
    ),
    ack: db.prepare<[{ id: string; by: string; at: string; note: string | null }]>(
      'UPDATE alerts SET ack_by = @by, ack_at = @at, ack_note = @note WHERE id = @id AND ack_at IS NULL',
    ),
    dismissed: db
      .prepare<[string, string], 1>(
        `SELECT 1 FROM alerts WHERE device_id = ? AND rule = 'update-failed'
           AND ack_at IS NOT NULL AND json_extract(facts, '$.eventId') = ?`,
      )
      .pluck(),
    openFor: db.prepare<[string, string], AlertRow>(
      `SELECT * FROM alerts WHERE device_id = ? AND rule = ? AND state = 'open'`,
    ),
    orphans: db.prepare<[], AlertRow>(
      `SELECT * FROM alerts WHERE state = 'open' AND device_id NOT IN (SELECT id FROM devices)`,
    ),
  };
}
