import type { FastifyInstance, InjectOptions } from 'fastify';
import type { AuditLog } from '../../../src/audit/audit-log.js';
import type { ApiTokens } from '../../../src/auth/api-tokens.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import type { DevicesRepo } from '../../../src/devices/devices-repo.js';
import type { GatesRepo } from '../../../src/gates/gates-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Grant } from '../../../src/users/permissions.js';
import type { SessionStore } from '../../../src/users/sessions.js';
import type { UsersRepo } from '../../../src/users/users-repo.js';
import { recordingLogger } from '../store/temp-store.js';
import { apiDeps, openApiCore, type ApiCore } from '../support/api-app.js';

export { PASSWORD } from '../support/api-app.js';

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
  store: ApiCore['store'];
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

export async function startOperatorsApp(): Promise<OperatorsApp> {
  const { log, lines } = recordingLogger();
  const core = openApiCore({ log });
  const { store, users, tokens, sessions, audit, gates, devices } = core;
  const sleeps: number[] = [];
  const clock = {
    now: new Date('2025-03-01T08:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const app = buildHttpApp(
    apiDeps(core, new DesiredService(core.desiredDeps), {
      commands: {
        send: async (_deviceId, name) => ({
          id: 'correlation-1',
          name,
          at: clock.now.toISOString(),
          ok: true,
          result: {},
        }),
      },
      now: () => clock.now,
      sleep: async (ms) => void sleeps.push(ms),
    }),
  );
  await app.ready();

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
    addUser: (username, grants, password) => core.addUser(username, grants, password),
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
    close: () => core.close(app),
  };
  return self;
}

/** Both demo gates with a zone each, the way an administrator sets them up. */
export async function seedHaiPhong(app: OperatorsApp): Promise<void> {
  await app.gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
  await app.gates.addZone('cat-bi-airport', { id: 'arrivals', name: 'Arrivals hall' });
  await app.gates.create({ id: 'hai-phong-port', name: 'Port of Hai Phong' });
  await app.gates.addZone('hai-phong-port', { id: 'pier-2', name: 'Pier 2' });
}
