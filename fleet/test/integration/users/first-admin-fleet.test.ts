import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFleetConfig } from '../../../src/config.js';
import { createFleet, type Fleet, type RunningFleet } from '../../../src/fleet.js';
import { migrate } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { makeTempDir, recordingLog } from '../fleet/real-fleet.js';

const fleets: Fleet[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(fleets.splice(0).map((fleet) => fleet.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const root = makeTempDir();
  dirs.push(root);
  return path.join(root, 'data');
}

async function start(dir: string, log = pino({ level: 'silent' })): Promise<RunningFleet> {
  const config = loadFleetConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    GATECAST_DATA_DIR: dir,
  });
  const fleet = createFleet(config, log);
  fleets.push(fleet);
  return fleet.start();
}

async function api(
  running: RunningFleet,
  method: string,
  url: string,
  init: { token?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`http://127.0.0.1:${running.httpPort}${url}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

describe('the first administrator of a real fleet', () => {
  it('is created at the first start with a one-time password to change; the admin token is theirs', async () => {
    const dir = dataDir();
    const { log, lines } = recordingLog();
    const running = await start(dir, log);
    expect(running.adminPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(running.adminToken).toMatch(/^gct_/);
    expect(lines.join('\n')).not.toContain(running.adminPassword);
    expect(lines.join('\n')).not.toContain(running.adminToken);

    const me = await api(running, 'GET', '/api/v1/me', { token: running.adminToken as string });
    expect(me.body.user).toMatchObject({
      username: 'admin',
      displayName: 'Administrator',
      grants: [{ role: 'admin', gateId: null }],
      mustChangePassword: true,
    });
    const tokens = await api(running, 'GET', '/api/v1/tokens', { token: running.adminToken as string });
    expect(tokens.body.tokens).toMatchObject([{ name: 'admin', revokedAt: null }]);

    const login = await api(running, 'POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: running.adminPassword },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.mustChangePassword).toBe(true);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const blocked = await fetch(`http://127.0.0.1:${running.httpPort}/api/v1/gates`, { headers: { cookie } });
    expect(blocked.status).toBe(403);
  });

  it('is not created again at a later start', async () => {
    const dir = dataDir();
    const first = await start(dir);
    await fleets.pop()?.stop();
    const second = await start(dir);
    expect(second.adminPassword).toBeNull();
    expect(second.adminToken).toBeNull();
    const users = await api(second, 'GET', '/api/v1/users', { token: first.adminToken as string });
    expect(users.body.users.map((user: { username: string }) => user.username)).toEqual(['admin']);
  });

  it('is added to a foundation-era data dir (an admin token, no users), which keeps its token', async () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = new BetterSqlite3(path.join(dir, 'gatecast.db'));
    migrate(old, 'gatecast.db', pino({ level: 'silent' }), MIGRATIONS.slice(0, 1));
    const token = 'gct_a-token-from-the-foundation-release-0123456789';
    old
      .prepare(
        "INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES ('tok_0000000000000000', 'admin', ?, ?)",
      )
      .run(createHash('sha256').update(token).digest('hex'), '2025-02-01T00:00:00.000Z');
    old
      .prepare(
        "INSERT INTO gates (id, name, time_zone, languages, created_at) VALUES ('cat-bi-airport', 'Cat Bi', 'Asia/Ho_Chi_Minh', '[\"vi\"]', '2025-02-01T00:00:00.000Z')",
      )
      .run();
    old.close();
    fs.writeFileSync(path.join(dir, 'admin-token'), `${token}\n`, { mode: 0o600 });

    const running = await start(dir);
    expect(running.adminToken).toBeNull();
    expect(running.adminPassword).not.toBeNull();
    const me = await api(running, 'GET', '/api/v1/me', { token });
    expect(me.body.user).toMatchObject({ username: 'admin', mustChangePassword: true });
    const gates = await api(running, 'GET', '/api/v1/gates', { token });
    expect(gates.body.gates.map((gate: { id: string }) => gate.id)).toEqual(['cat-bi-airport']);
  });
});
