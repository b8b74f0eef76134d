import type { AgentConfigInput } from '@gatecast/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deviceViewSchema, type DeviceView } from '../../../src/http/api-schemas.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { SseClient, type SseEvent } from './sse-client.js';

const CAT_BI = { id: 'cat-bi-airport', name: 'Cat Bi International Airport' };
const PORT = { id: 'hai-phong-port', name: 'Port of Hai Phong' };

function device(event: SseEvent): DeviceView {
  return deviceViewSchema.parse(JSON.parse(event.data));
}

const isDevice = (id: string, state?: string) => (event: SseEvent) =>
  event.event === 'device' &&
  device(event).id === id &&
  (state === undefined || device(event).presence.state === state);

// The dashboard's live stream on a whole fleet: real HTTP, real broker, real MQTT.js devices.
describe('GET /api/v1/stream on a running fleet', () => {
  let fleet: RealFleet;
  const configs = new Map<string, AgentConfigInput>();
  const streams: SseClient[] = [];
  const url = () => `http://127.0.0.1:${fleet.running.httpPort}/api/v1/stream`;
  const open = async (headers: Record<string, string>) => {
    const stream = await SseClient.open(url(), headers);
    streams.push(stream);
    return stream;
  };
  const asAdmin = () => open({ authorization: `Bearer ${fleet.token}` });

  beforeAll(async () => {
    fleet = await startRealFleet();
    for (const [gate, zone] of [
      [CAT_BI, 'arrivals-hall'],
      [PORT, 'passenger-terminal'],
    ] as const) {
      expect((await fleet.api('POST', '/api/v1/gates', gate)).status).toBe(201);
      expect(
        (await fleet.api('POST', `/api/v1/gates/${gate.id}/zones`, { id: zone, name: zone })).status,
      ).toBe(201);
    }
    for (const [id, gateId, zoneId] of [
      ['cat-bi-belt-01', CAT_BI.id, 'arrivals-hall'],
      ['port-terminal-01', PORT.id, 'passenger-terminal'],
    ]) {
      const enrolled = await fleet.api('POST', '/api/v1/devices', { id, name: id, gateId, zoneId });
      expect(enrolled.status).toBe(201);
      configs.set(id!, enrolled.body.agentConfig);
    }
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('refuses a caller without credentials or with a wrong token, before any stream starts', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer gct_not-a-token' },
      { cookie: 'gatecast_session=forged' },
    ];
    for (const headers of attempts) {
      const stream = await open(headers);
      expect({ headers, status: stream.status }).toEqual({ headers, status: 401 });
      expect(stream.header('content-type')).toMatch(/^application\/json/);
    }
  });

  it('sends a device when a real device connects and again when it disconnects', async () => {
    const stream = await asAdmin();
    expect(stream.status).toBe(200);
    expect(stream.header('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.header('cache-control')).toContain('no-cache');
    const client = await fleet.device(configs.get('cat-bi-belt-01')!);
    const online = device(await stream.next(isDevice('cat-bi-belt-01', 'online'), 5_000, 'online event'));
    expect(online).toMatchObject({ gateId: CAT_BI.id, zoneId: 'arrivals-hall', connected: true });
    await client.endAsync();
    const offline = device(await stream.next(isDevice('cat-bi-belt-01', 'offline'), 5_000, 'offline event'));
    expect(offline.presence.since).not.toBeNull();
  });

  it('sends a gate operator only the devices of their gate', async () => {
    const created = await fleet.api('POST', '/api/v1/users', {
      username: 'lan.nguyen',
      displayName: 'Nguyễn Thị Lan',
      grants: [{ role: 'operator', gateId: CAT_BI.id }],
      password: 'cat-bi-operator-2025',
    });
    expect(created.status).toBe(201);
    const cookie = await signIn(fleet, 'lan.nguyen', 'cat-bi-operator-2025');
    const operator = await open({ cookie });
    const admin = await asAdmin();
    expect(operator.status).toBe(200);

    // The Port device first, then the Cat Bi one: events keep their order on a stream, so once the
    // Cat Bi event is in, a Port event would already be there.
    const port = await fleet.device(configs.get('port-terminal-01')!);
    await admin.next(isDevice('port-terminal-01', 'online'), 5_000, 'the port device on the admin stream');
    const catBi = await fleet.device(configs.get('cat-bi-belt-01')!);
    await operator.next(
      isDevice('cat-bi-belt-01', 'online'),
      5_000,
      'the Cat Bi device on the operator stream',
    );
    expect(operator.events.filter((event) => device(event).gateId !== CAT_BI.id)).toEqual([]);
    await Promise.all([port.endAsync(), catBi.endAsync()]);
  });

  it('ends open streams when the fleet stops instead of waiting for them', async () => {
    const stream = await asAdmin();
    expect(stream.status).toBe(200);
    expect(stream.closed).toBe(false);
    await fleet.restart();
    expect(await stream.waitClosed(5_000)).toBe(true);
    const again = await asAdmin();
    expect(again.status).toBe(200);
  });
});

async function signIn(fleet: RealFleet, username: string, password: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('gatecast_session='));
  expect(session).toBeDefined();
  return session!.split(';')[0]!;
}
