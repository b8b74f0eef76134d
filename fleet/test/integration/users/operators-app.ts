import type { FastifyInstance, InjectOptions } from 'fastify';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { HttpDeps } from '../../../src/http/http-deps.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { openTempStore, recordingLogger } from '../store/temp-store.js';

// Answers are JSON whose shape each test asserts with expect(); `any` keeps those reads short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Answer {
  status: number;
  body: Json;
  headers: Record<string, unknown>;
  text: string;
}

/** A signed-in browser: the session cookie and the CSRF token the sign-in returned. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  body: Json;
}

/**
 * The HTTP API over a real store in a temp dir, with a clock and a sleep the test controls. Only
 * the broker and the command client (hardware edges, tested elsewhere) are small fakes.
 */
export interface OperatorsApp {
  app: FastifyInstance;
  store: ReturnType<typeof openTempStore>;
  users: UsersRepo;
  tokens: ApiTokens;
  sessions: SessionStore;
  audit: AuditLog;
  gates: GatesRepo;
  devices: DevicesRepo;
  /** Every delay the sign-in asked for, in ms; nothing actually waits. */
  sleeps: number[];
  clock: { now: Date; advance(ms: number): void };
  lines: Array<Record<string, unknown>>;
  request(options: InjectOptions): Promise<Answer>;
  /** As the holder of a bearer token. */
  as(token: string, method: InjectOptions['method'], url: string, payload?: unknown): Promise<Answer>;
  /** A user with a known password and an API token. */
  addUser(username: string, grants: Grant[], password?: string): Promise<{ id: string; token: string }>;
  login(username: string, password: string, remoteAddress?: string): Promise<Answer>;
  browser(username: string, password: string): Promise<BrowserSession>;
  /** As a signed-in browser; `csrf` false leaves the header out, a string sends that one instead. */
  withSession(
    session: BrowserSession,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    csrf?: boolean | string,
  ): Promise<Answer>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

export async function startOperatorsApp(): Promise<OperatorsApp> {
  const { log, lines } = recordingLogger();
  const store = openTempStore(log);
  const db = store.db;
  const gates = new GatesRepo(db, log);
  const devices = new DevicesRepo(db, log);
  const users = new UsersRepo(db);
  const tokens = new ApiTokens(db);
  const sessions = new SessionStore(db);
  const audit = new AuditLog(db);
  const sleeps: number[] = [];
  const clock = {
    now: new Date('2025-03-01T08:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const broker = {
    publishToDevice: async () => undefined,
    clearRetained: async () => undefined,
    kick: () => false,
    isConnected: () => false,
    stats: () => ({
      connectedDevices: 0,
      rejectedConnects: 0,
      rejectedPublishes: 0,
      droppedMessages: 0,
      guardClosures: 0,
    }),
  };
  const desired = new DesiredService({ db, devices, gates, broker, log });
  const deps: HttpDeps = {
    log,
    gates,
    devices,
    desired,
    broker,
    tokens,
    users,
    sessions,
    audit,
    commands: {
      send: async (_deviceId, name) => ({
        id: 'correlation-1',
        name,
        at: clock.now.toISOString(),
        ok: true,
        result: {},
      }),
    },
    publicMqttUrl: 'mqtt://fleet.example:1883',
    commandTimeoutMs: 1_000,
    now: () => clock.now,
    sleep: async (ms) => void sleeps.push(ms),
  };
  const app = buildHttpApp(deps);
  await app.ready();
  const userAdmin = new UserAdmin({ users, sessions });

  const request = async (options: InjectOptions): Promise<Answer> => {
    const response = await app.inject(options);
    const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
    return {
      status: response.statusCode,
      body: json ? response.json() : undefined,
      headers: response.headers,
      text: response.body,
    };
  };
  const withBody = (payload: unknown) =>
    payload === undefined ? {} : { payload: payload as InjectOptions['payload'] };

  const self: OperatorsApp = {
    app,
    store,
    users,
    tokens,
    sessions,
    audit,
    gates,
    devices,
    sleeps,
    clock,
    lines,
    request,
    as: (token, method, url, payload) =>
      request({ method, url, headers: { authorization: `Bearer ${token}` }, ...withBody(payload) }),
    async addUser(username, grants, password = PASSWORD) {
      const { user } = await userAdmin.create({ username, displayName: username, grants, password });
      return { id: user.id, token: tokens.create(`${username} cli`, user.id).token };
    },
    login: (username, password, remoteAddress = '127.0.0.1') =>
      request({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress }),
    async browser(username, password) {
      const answer = await self.login(username, password);
      if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${answer.text}`);
      const setCookie = String(answer.headers['set-cookie']);
      return {
        cookie: setCookie.split(';')[0] as string,
        csrfToken: answer.body.csrfToken,
        setCookie,
        body: answer.body,
      };
    },
    withSession(session, method, url, payload, csrf = true) {
      const headers: Record<string, string> = { cookie: session.cookie };
      if (csrf !== false) headers['x-csrf-token'] = csrf === true ? session.csrfToken : csrf;
      return request({ method, url, headers, ...withBody(payload) });
    },
    async close() {
      await app.close();
      store.close();
    },
  };
  return self;
}

/** Both demo gates with a zone each, the way an administrator sets them up. */
export function seedHaiPhong(app: OperatorsApp): void {
  app.gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
  app.gates.addZone('cat-bi-airport', { id: 'arrivals', name: 'Arrivals hall' });
  app.gates.create({ id: 'hai-phong-port', name: 'Port of Hai Phong' });
  app.gates.addZone('hai-phong-port', { id: 'pier-2', name: 'Pier 2' });
}
