import { GatecastError } from '@gatecast/protocol';
import type { AlertFacts, AlertRule, AlertSeverity, TransitionKind } from './alert-types.js';

/** Alerts and transitions as the store holds them and as the rest of the fleet sees them. */
export type AlertState = 'open' | 'resolved';
export type Notified = 'sent' | 'held' | 'suppressed';

/** Where an alert belongs, with the names as they were when it fired. */
export interface AlertPlace {
  device: { id: string; name: string };
  gate: { id: string; name: string };
  zone: { id: string; name: string };
}

export interface AlertRecord extends AlertPlace {
  id: string;
  rule: AlertRule;
  severity: AlertSeverity;
  state: AlertState;
  since: string;
  firedAt: string;
  escalatedAt: string | null;
  resolvedAt: string | null;
  flapping: boolean;
  facts: AlertFacts;
  acknowledged: { by: string; at: string; note: string | null } | null;
}

export interface TransitionRecord {
  id: string;
  kind: TransitionKind;
  at: string;
  facts: AlertFacts;
  notified: Notified;
}

export interface AlertListQuery {
  state: AlertState | 'all';
  /** 'all' or the gates the caller may read. */
  gates: 'all' | readonly string[];
  gateId?: string;
  limit: number;
  before?: string;
}

export interface AlertRow {
  id: string;
  device_id: string;
  device_name: string;
  gate_id: string;
  gate_name: string;
  zone_id: string;
  zone_name: string;
  rule: AlertRule;
  severity: AlertSeverity;
  state: AlertState;
  since: string;
  fired_at: string;
  escalated_at: string | null;
  resolved_at: string | null;
  flapping: 0 | 1;
  facts: string;
  ack_by: string | null;
  ack_at: string | null;
  ack_note: string | null;
}

export interface TransitionRow {
  id: string;
  kind: TransitionKind;
  at: string;
  facts: string;
  notified: Notified;
}

export function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    device: { id: row.device_id, name: row.device_name },
    gate: { id: row.gate_id, name: row.gate_name },
    zone: { id: row.zone_id, name: row.zone_name },
    rule: row.rule,
    severity: row.severity,
    state: row.state,
    since: row.since,
    firedAt: row.fired_at,
    escalatedAt: row.escalated_at,
    resolvedAt: row.resolved_at,
    flapping: row.flapping === 1,
    facts: parseFacts(row.facts),
    acknowledged:
      row.ack_by !== null && row.ack_at !== null
        ? { by: row.ack_by, at: row.ack_at, note: row.ack_note }
        : null,
  };
}

export function toTransition(row: TransitionRow): TransitionRecord {
  return { id: row.id, kind: row.kind, at: row.at, facts: parseFacts(row.facts), notified: row.notified };
}

export function parseFacts(text: string): AlertFacts {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as AlertFacts) : {};
  } catch {
    return {};
  }
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new GatecastError('BAD_REQUEST', 'before: not a cursor this API gave out');
}
