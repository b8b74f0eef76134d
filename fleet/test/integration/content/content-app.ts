import { deviceTopic, parseMessage, type DesiredDocument } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import type { MqttClient } from 'mqtt';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { ContentRepo } from '../../../src/content/content-repo.js';
import { ContentService } from '../../../src/content/content-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { LibraryMedia, MediaReader } from '../../../src/library/media-catalog.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { eventually, startFleetHarness, type FleetHarness } from '../devices/fleet-harness.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { silentLogger } from '../store/temp-store.js';

// Answers are JSON whose shape each test asserts with expect(); `any` keeps those reads short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Answer {
  status: number;
  body: Json;
}

/** A screen connected to the real broker, keeping every desired document it received. */
export interface Screen {
  client: MqttClient;
  documents: DesiredDocument[];
  latest(): DesiredDocument | undefined;
}

/**
 * The content API over a real store and a real Aedes broker: the seeded Hai Phong gates, screens
 * connected with MQTT.js, and users with real roles and API tokens.
 */
export interface ContentApp {
  harness: FleetHarness;
  app: FastifyInstance;
  content: ContentService;
  audit: AuditLog;
  media: Map<string, LibraryMedia>;
  allowLists: Map<string, string[]>;
  addUser(username: string, grants: Grant[]): Promise<{ id: string; token: string }>;
  as(
    token: string,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<Answer>;
  /** Enrols a screen (Cat Bi arrivals unless told otherwise) and connects it to the broker. */
  screen(id: string, where?: Parameters<typeof enrol>[2]): Promise<Screen>;
  close(): Promise<void>;
}

export async function startContentApp(): Promise<ContentApp> {
  const harness = await startFleetHarness();
  const { sql } = harness.store;
  await seedGates(harness.gates);
  const users = new UsersRepo(harness.store.sql);
  const tokens = new ApiTokens(harness.store.sql);
  const sessions = new SessionStore(harness.store.sql);
  const audit = new AuditLog(harness.store.sql);
  const log = silentLogger();
  const media = new Map<string, LibraryMedia>();
  const catalog: Pick<MediaReader, 'get'> = { get: async (sha256) => media.get(sha256) };
  const allowLists = new Map<string, string[]>();
  const content = new ContentService({
    repo: new ContentRepo(sql, log),
    gates: harness.gates,
    devices: harness.devices,
    media: catalog,
    webAllowList: async (gateId) => allowLists.get(gateId) ?? [],
    refresh: (ids) => harness.desired.refreshMany(ids),
    log,
  });
  const app = buildHttpApp({
    log,
    gates: harness.gates,
    devices: harness.devices,
    desired: harness.desired,
    broker: harness.broker,
    tokens,
    users,
    sessions,
    audit,
    commands: harness.commands,
    publicMqttUrl: 'mqtt://127.0.0.1:1883',
    commandTimeoutMs: 1_000,
    content,
  });
  await app.ready();
  const userAdmin = new UserAdmin({ users, sessions });

  return {
    harness,
    app,
    content,
    audit,
    media,
    allowLists,
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
      const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
      return { status: response.statusCode, body: json ? response.json() : undefined };
    },
    async screen(id, where) {
      const secret = await enrol(harness.devices, id, where);
      await harness.desired.refresh(id);
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
      return { client, documents, latest: () => documents[documents.length - 1] };
    },
    async close() {
      await app.close();
      await harness.close();
    },
  };
}

/** The ids of the content items a document shows in its schedule, in order. */
export function scheduledItemIds(document: DesiredDocument | undefined): string[] {
  return (document?.content.schedule ?? []).flatMap((entry) => entry.items.map((item) => item.id));
}
