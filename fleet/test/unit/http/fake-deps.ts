import {
  GatecastError,
  type CommandName,
  type CommandResult,
  type DesiredDocument,
} from '@gatecast/protocol';
import { pino } from 'pino';
import type { AuditRecord } from '../../../src/audit/audit-log.js';
import type { BrokerStats } from '../../../src/broker/broker.js';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import type { Gate, Zone } from '../../../src/gates/gates-repo.js';
import type { HttpDeps } from '../../../src/http/http-deps.js';
import type { UserRecord } from '../../../src/users/users-repo.js';

export const TOKEN = 'gct_test-token-for-the-api';
export const AT = '2025-03-01T08:00:00.000Z';

/** In-memory stand-ins for the store, broker and command client: just enough behaviour for the API. */
export interface FakeDeps extends HttpDeps {
  gateMap: Map<string, Gate>;
  deviceMap: Map<string, DeviceRecord>;
  connected: Set<string>;
  refreshed: string[];
  kicked: string[];
  forgotten: string[];
  sent: Array<{ deviceId: string; name: CommandName; args: Record<string, unknown>; timeoutMs: number }>;
  commandAnswer: (deviceId: string) => Promise<CommandResult>;
  refreshFailure: Error | null;
  stats: BrokerStats;
  audited: AuditRecord[];
}

export function fakeDeps(): FakeDeps {
  const deps = {
    log: pino({ level: 'silent' }),
    gateMap: new Map<string, Gate>(),
    deviceMap: new Map<string, DeviceRecord>(),
    connected: new Set<string>(),
    refreshed: [] as string[],
    kicked: [] as string[],
    forgotten: [] as string[],
    sent: [] as FakeDeps['sent'],
    refreshFailure: null as Error | null,
    audited: [] as AuditRecord[],
    stats: {
      connectedDevices: 0,
      rejectedConnects: 3,
      rejectedPublishes: 0,
      droppedMessages: 0,
      guardClosures: 1,
    },
    commandAnswer: async (): Promise<CommandResult> => ({
      id: 'correlation-1',
      name: 'ping',
      at: AT,
      ok: true,
      result: { agentVersion: '0.1.0' },
    }),
    publicMqttUrl: 'mqtt://fleet.catbi.example:1883',
    commandTimeoutMs: 5_000,
    now: () => new Date(AT),
  } as unknown as FakeDeps; // the store, broker and command fakes are filled in below
  deps.tokens = fakeTokens();
  deps.users = fakeUsers();
  deps.sessions = {
    create: unused('sessions.create'),
    verify: async () => undefined,
    remove: unused('sessions.remove'),
    removeOfUser: unused('sessions.removeOfUser'),
  };
  deps.audit = {
    append: async (record) => deps.audited.push(record),
    search: async () => ({ entries: [], nextBefore: null }),
  };
  deps.gates = fakeGates(deps.gateMap);
  deps.devices = fakeDevices(deps);
  const latestOf = (deviceId: string) => {
    const device = deps.deviceMap.get(deviceId);
    return device && deps.refreshed.includes(deviceId) ? desiredFor(device) : undefined;
  };
  deps.desired = {
    refresh: async (deviceId) => {
      if (deps.refreshFailure) throw deps.refreshFailure;
      deps.refreshed.push(deviceId);
      return desiredFor(deps.deviceMap.get(deviceId) as DeviceRecord);
    },
    latest: async (deviceId) => latestOf(deviceId),
    latestMany: async (deviceIds) =>
      new Map(
        deviceIds.flatMap((id) => {
          const document = latestOf(id);
          return document ? [[id, document] as const] : [];
        }),
      ),
    forget: async (deviceId) => void deps.forgotten.push(deviceId),
  };
  deps.broker = {
    kick: (deviceId) => (deps.kicked.push(deviceId), deps.connected.delete(deviceId)),
    isConnected: (deviceId) => deps.connected.has(deviceId),
    stats: () => ({ ...deps.stats, connectedDevices: deps.connected.size }),
  };
  deps.commands = {
    send: async (deviceId, name, args, timeoutMs) => {
      deps.sent.push({ deviceId, name, args, timeoutMs });
      if (!deps.connected.has(deviceId))
        throw new GatecastError('DEVICE_OFFLINE', `device ${deviceId} is not connected`);
      return deps.commandAnswer(deviceId);
    },
  };
  return deps;
}

export const ADMIN: UserRecord = {
  id: 'usr_admin',
  username: 'admin',
  displayName: 'Administrator',
  grants: [{ role: 'admin', gateId: null }],
  mustChangePassword: false,
  createdAt: AT,
  failedLogins: 0,
  lockedUntil: null,
};

/** Users, sessions and tokens are tested against real SQLite (test/integration/users); here only the admin's token. */
function unused(name: string) {
  return (): never => {
    throw new Error(`${name} is not part of this fake`);
  };
}

function fakeTokens(): HttpDeps['tokens'] {
  return {
    identify: async (token) =>
      token === TOKEN ? { tokenId: 'tok1', name: 'admin', userId: ADMIN.id } : undefined,
    create: unused('tokens.create'),
    listOf: async () => [],
    get: async () => undefined,
    revoke: async () => false,
  };
}

function fakeUsers(): HttpDeps['users'] {
  return {
    list: async () => [ADMIN],
    get: async (username) => (username === ADMIN.username ? ADMIN : undefined),
    getById: async (id) => (id === ADMIN.id ? ADMIN : undefined),
    create: unused('users.create'),
    remove: unused('users.remove'),
    addGrant: unused('users.addGrant'),
    revokeGrant: unused('users.revokeGrant'),
    setPassword: unused('users.setPassword'),
    passwordHash: async () => undefined,
    countLoginFailure: unused('users.countLoginFailure'),
    resetLoginFailures: unused('users.resetLoginFailures'),
    fleetAdminIds: async () => [ADMIN.id],
    transaction: unused('users.transaction'),
  };
}

function fakeGates(gates: Map<string, Gate>): HttpDeps['gates'] {
  return {
    list: async () => [...gates.values()],
    get: async (id) => gates.get(id),
    create: async (input) => {
      if (gates.has(input.id)) throw new GatecastError('CONFLICT', `gate ${input.id} exists`);
      const gate: Gate = {
        id: input.id,
        name: input.name,
        timeZone: input.timeZone ?? 'Asia/Ho_Chi_Minh',
        languages: input.languages ?? ['vi', 'en'],
        createdAt: AT,
        zones: [],
      };
      gates.set(gate.id, gate);
      return gate;
    },
    addZone: async (gateId, input) => {
      const gate = gates.get(gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
      const zone: Zone = { id: input.id, gateId, name: input.name, createdAt: AT };
      gate.zones.push(zone);
      return zone;
    },
  };
}

function fakeDevices(deps: FakeDeps): HttpDeps['devices'] {
  const devices = deps.deviceMap;
  return {
    create: async (input) => {
      const gate = deps.gateMap.get(input.gateId);
      if (!gate?.zones.some((zone) => zone.id === input.zoneId))
        throw new GatecastError('NOT_FOUND', 'no zone');
      if (devices.has(input.id)) throw new GatecastError('CONFLICT', `device ${input.id} exists`);
      const device = deviceRecord({ ...input, createdAt: AT });
      devices.set(device.id, device);
      return device;
    },
    get: async (id) => devices.get(id),
    list: async (filter = {}) =>
      [...devices.values()].filter(
        (device) =>
          (filter.gateId === undefined || device.gateId === filter.gateId) &&
          (filter.zoneId === undefined || device.zoneId === filter.zoneId),
      ),
    remove: async (id) => devices.delete(id),
  };
}

export function deviceRecord(fields: Partial<DeviceRecord> & { id: string }): DeviceRecord {
  return {
    name: 'Arrivals screen 1',
    gateId: 'cat-bi',
    zoneId: 'arrivals',
    tags: [],
    createdAt: AT,
    presence: { state: 'never-seen', since: null, lastSeenAt: null },
    agentVersion: null,
    reported: null,
    reportedAt: null,
    lastTelemetry: null,
    lastTelemetryAt: null,
    ...fields,
  };
}

export function desiredFor(device: DeviceRecord, version = 1): DesiredDocument {
  return {
    version,
    deviceId: device.id,
    issuedAt: AT,
    device: {
      name: device.name,
      gateId: device.gateId,
      zoneId: device.zoneId,
      tags: device.tags,
      profile: 'signage',
    },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'], languageRotationSec: 8 },
    content: {
      defaultItem: {
        kind: 'text',
        id: 'welcome',
        body: { vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong' },
        durationSec: 15,
      },
      defaultLoop: [],
      layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
      schedule: [],
    },
  };
}

/** A gate with one zone, the usual starting point. */
export async function seedGate(deps: FakeDeps): Promise<void> {
  await deps.gates.create({ id: 'cat-bi', name: 'Cat Bi International Airport' });
  await deps.gates.addZone('cat-bi', { id: 'arrivals', name: 'Arrivals hall' });
}
