import {
  reportedSchema,
  tagSchema,
  telemetrySchema,
  type ReportedState,
  type TelemetrySample,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { parseJsonColumn } from '../store/json-column.js';

export type PresenceState = 'online' | 'offline' | 'never-seen';

export interface DeviceRecord {
  id: string;
  name: string;
  gateId: string;
  zoneId: string;
  tags: string[];
  createdAt: string;
  presence: { state: PresenceState; since: string | null; lastSeenAt: string | null };
  agentVersion: string | null;
  reported: ReportedState | null;
  reportedAt: string | null;
  lastTelemetry: TelemetrySample | null;
  lastTelemetryAt: string | null;
}

/** One row of `devices`, as SQLite returns it. */
export interface DeviceRow {
  id: string;
  name: string;
  gate_id: string;
  zone_id: string;
  tags: string;
  created_at: string;
  presence_state: PresenceState;
  presence_since: string | null;
  last_seen_at: string | null;
  agent_version: string | null;
  reported: string | null;
  reported_at: string | null;
  last_telemetry: string | null;
  last_telemetry_at: string | null;
}

export const tagsSchema = z
  .array(tagSchema)
  .max(32)
  .refine((tags) => new Set(tags).size === tags.length, 'must not repeat a tag');

export function toDeviceRecord(row: DeviceRow, log: Logger): DeviceRecord {
  const where = (column: string) => ({ table: 'devices', column, id: row.id });
  return {
    id: row.id,
    name: row.name,
    gateId: row.gate_id,
    zoneId: row.zone_id,
    tags: parseJsonColumn(tagsSchema, row.tags, log, where('tags')) ?? [],
    createdAt: row.created_at,
    presence: { state: row.presence_state, since: row.presence_since, lastSeenAt: row.last_seen_at },
    agentVersion: row.agent_version,
    reported: parseJsonColumn(reportedSchema, row.reported, log, where('reported')),
    reportedAt: row.reported_at,
    lastTelemetry: parseJsonColumn(telemetrySchema, row.last_telemetry, log, where('last_telemetry')),
    lastTelemetryAt: row.last_telemetry_at,
  };
}
