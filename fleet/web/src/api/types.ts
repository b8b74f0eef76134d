import type { CommandResult, DesiredDocument, ReportedState, TelemetrySample } from '@gatecast/protocol';

// The fleet API's shapes as the dashboard reads them (see /api/v1/openapi.json).

// Roles and permissions are the fleet's own definitions, not a copy that could drift from them.
export { PERMISSIONS, ROLES } from '../../../src/users/permissions.js';
export type { Grant, Permission, Role } from '../../../src/users/permissions.js';
import type { Grant, Permission } from '../../../src/users/permissions.js';

/** 'all' gates, or the ids of the gates where the permission holds ([] = nowhere). */
export type Scope = 'all' | string[];

export interface Me {
  id: string;
  username: string;
  displayName: string;
  grants: Grant[];
  mustChangePassword: boolean;
  permissions: Record<Permission, Scope>;
}

export interface SessionAnswer {
  user: Me;
  csrfToken: string;
}

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

export type PresenceState = 'online' | 'offline' | 'never-seen';

export interface DeviceView {
  id: string;
  name: string;
  gateId: string;
  zoneId: string;
  tags: string[];
  createdAt: string;
  presence: { state: PresenceState; since: string | null; lastSeenAt: string | null };
  connected: boolean;
  agentVersion: string | null;
  desiredVersion: number | null;
  appliedVersion: number | null;
  inSync: boolean;
  reported: ReportedState | null;
  lastTelemetry: TelemetrySample | null;
  lastTelemetryAt: string | null;
}

export interface DeviceDetail extends DeviceView {
  desired: DesiredDocument | null;
}

export type { CommandResult, DesiredDocument, ReportedState, TelemetrySample };

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  grants: Grant[];
  mustChangePassword: boolean;
  createdAt: string;
  lockedUntil: string | null;
}

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; name: string } | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  gateId: string | null;
  outcome: AuditOutcome;
  status: number | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}
