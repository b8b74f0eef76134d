import { deviceTopic, parseMessage, type DesiredDocument } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { createInfo, type InfoService } from '../../../src/info/info-domain.js';
import type { LibraryMedia, MediaReader } from '../../../src/library/media-catalog.js';
import { mediaSources } from '../../../src/media/media-library.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { eventually, startFleetHarness, type FleetHarness } from '../devices/fleet-harness.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { silentLogger } from '../store/temp-store.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Answer {
  status: number;
  body: Json;
  raw: Buffer;
  headers: Record<string, unknown>;
}

/** A screen connected to the real broker, keeping every desired document it received. */
export interface Screen {
  id: string;
  secret: string;
  documents: DesiredDocument[];
  latest(): DesiredDocument | undefined;
}

export const FLEET_URL = 'http://fleet.example:8080';

/**
 * The information API wired as fleet-domains.ts does, over a real store and a real Aedes broker:
 * the seeded Hai Phong gates, the desired service with the info extras provider, the device
 * media route serving bundle files, and users with real roles and API tokens.
 */
export interface InfoApp {
  harness: FleetHarness;
  app: FastifyInstance;
  info: InfoService;
  desired: DesiredService;
  audit: AuditLog;
  media: Map<string, LibraryMedia>;
  addUser(username: string, grants: Grant[]): Promise<{ id: string; token: string }>;
  as(
    token: string,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<Answer>;
  /** A GET with a device's HTTP Basic credentials. */
  asDevice(screen: Screen, url: string): Promise<Answer>;
  /** Enrols a screen (Cat Bi arrivals unless told otherwise) and connects it to the broker. */
  screen(id: string, where?: Parameters<typeof enrol>[2]): Promise<Screen>;
  close(): Promise<void>;
}

export async function startInfoApp(): Promise<InfoApp> {
  const harness = await startFleetHarness();
  const { sql } = harness.store;
  await seedGates(harness.gates);
  const log = silentLogger();
  const users = new UsersRepo(harness.store.sql);
  const tokens = new ApiTokens(harness.store.sql);
  const sessions = new SessionStore(harness.store.sql);
  const audit = new AuditLog(harness.store.sql);
  const media = new Map<string, LibraryMedia>();
  const catalog: MediaReader = {
    get: async (sha256) => media.get(sha256),
    getMany: async (sha256s) =>
      new Map(sha256s.flatMap((sha256) => media.get(sha256) ?? []).map((found) => [found.sha256, found])),
  };
  const info = createInfo({
    sql,
    gates: harness.gates,
    devices: harness.devices,
    media: catalog,
    dataDir: harness.store.dir,
    mediaBaseUrl: () => FLEET_URL,
    refresh: (ids) => desired.refreshMany(ids),
    log,
  });
  const desired = new DesiredService({
    sql,
    devices: harness.devices,
    gates: harness.gates,
    broker: harness.broker,
    log,
    media: catalog,
    mediaBaseUrl: () => FLEET_URL,
    extras: [(device, gate) => info.extrasFor(device, gate)],
  });
  const app = buildHttpApp({
    log,
    gates: harness.gates,
    devices: harness.devices,
    desired,
    broker: harness.broker,
    tokens,
    users,
    sessions,
    audit,
    commands: harness.commands,
    publicMqttUrl: 'mqtt://127.0.0.1:1883',
    commandTimeoutMs: 1_000,
    deviceCredentials: harness.devices,
    media: mediaSources(info),
    info,
  });
  await app.ready();
  const userAdmin = new UserAdmin({ users, sessions });
  const answer = (response: Awaited<ReturnType<FastifyInstance['inject']>>): Answer => {
    const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
    return {
      status: response.statusCode,
      body: json && response.body !== '' ? response.json() : undefined,
      raw: response.rawPayload,
      headers: response.headers,
    };
  };

  return {
    harness,
    app,
    info,
    desired,
    audit,
    media,
    async addUser(username, grants) {
      const password = 'correct horse battery staple';
      const { user } = await userAdmin.create({ username, displayName: username, grants, password });
      return { id: user.id, token: (await tokens.create(`${username} cli`, user.id)).token };
    },
    async as(token, method, url, payload) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return answer(response);
    },
    async asDevice(screen, url) {
      const basic = Buffer.from(`${screen.id}:${screen.secret}`).toString('base64');
      return answer(await app.inject({ method: 'GET', url, headers: { authorization: `Basic ${basic}` } }));
    },
    async screen(id, where) {
      const secret = await enrol(harness.devices, id, where);
      await desired.refresh(id);
      const client = await harness.connectDevice(id, secret);
      const documents: DesiredDocument[] = [];
      client.on('message', (topic, payload) => {
        const parsed = parseMessage(topic, payload.toString());
        if (parsed.ok && parsed.kind === 'desired') documents.push(parsed.payload as DesiredDocument);
      });
      await client.subscribeAsync(deviceTopic(id, 'desired'), { qos: 1 });
      await eventually(() => {
        if (documents.length === 0) throw new Error(`${id} has no desired document yet`);
      });
      return { id, secret, documents, latest: () => documents[documents.length - 1] };
    },
    async close() {
      await app.close();
      await harness.close();
    },
  };
}

/** A picture in the fake media library. */
export function libraryImage(sha256: string, name = 'map.png'): LibraryMedia {
  return {
    sha256,
    name,
    kind: 'image',
    contentType: 'image/png',
    sizeBytes: 2048,
    probe: null,
    warnings: [],
    uploadedBy: 'admin',
    uploadedAt: '2026-11-26T00:00:00.000Z',
  };
}
