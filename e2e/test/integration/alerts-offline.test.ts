import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readToken,
  startAgent,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
  type RunningProcess,
} from '../support/processes.js';

const GATE = 'cat-bi-airport';
const SCREEN = 'cat-bi-belt-02';
const SECRET = 'e2e-webhook-secret-0123456789abcdef';

interface Delivery {
  signature: string;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A real generic-webhook receiver on 127.0.0.1 that keeps what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Delivery[] }> {
  const received: Delivery[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const signature = String(request.headers['x-gatecast-signature'] ?? '');
      // One request may carry several alerts; each is kept with the signed body it came in.
      for (const json of JSON.parse(body).deliveries) received.push({ signature, body, json });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/gatecast`, received };
}

/** The HMAC-SHA256 check a receiver does: `t=<unix>,v1=<hex of HMAC("<t>.<body>")>`. */
function signedBy(secret: string, delivery: Delivery): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery.signature);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${delivery.body}`).digest('hex');
  return expected === match[2];
}

// The "must show": a killed agent raises an offline alert after the configured delay, sent
// to a real webhook, and a resolved one when it returns. Real fleet and agent processes.
describe('a killed agent raises an offline alert, and a resolved one when it returns', () => {
  const data = tempDir('e2e-alerts-fleet');
  const screen = tempDir('e2e-alerts-screen');
  let fleet: FleetProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;
  let configFile: string;
  const agents: RunningProcess[] = [];

  async function api(method: string, url: string, body?: unknown) {
    const response = await fetch(`${fleet.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  const presence = async () => (await api('GET', `/api/v1/devices/${SCREEN}`)).body?.device?.presence?.state;
  const offlineDeliveries = () =>
    receiver.received.filter((delivery) => delivery.json.transition?.rule === 'offline');

  beforeAll(async () => {
    receiver = await startReceiver();
    fleet = await startFleet(data.path, { GATECAST_ALERT_TICK_MS: '200' });
    token = readToken(data.path);
    expect(
      (await api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' })).status,
    ).toBe(201);
    expect(
      (await api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals-hall', name: 'Arrivals hall' }))
        .status,
    ).toBe(201);
    const enrolled = await api('POST', '/api/v1/devices', {
      id: SCREEN,
      name: 'Belt 2',
      gateId: GATE,
      zoneId: 'arrivals-hall',
    });
    expect(enrolled.status).toBe(201);
    configFile = join(screen.path, 'agent.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        ...enrolled.body.agentConfig,
        dataDir: join(screen.path, 'state'),
        mqtt: { ...enrolled.body.agentConfig.mqtt, keepaliveSec: 5 },
        player: { mode: 'none' },
      }),
    );
    const channel = await api('POST', '/api/v1/alert-channels', {
      name: 'Duty desk webhook',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      language: 'en',
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop('SIGKILL')));
    await fleet?.stop();
    await new Promise((done) => receiver?.server.close(done));
    data.remove();
    screen.remove();
  });

  it('delivers offline after the delay once the agent is killed, and resolved when it is back', async () => {
    agents.push(startAgent(configFile));
    await waitFor('the screen online', async () => (await presence()) === 'online');
    // Offline for 2 s is worth an alert here; set once the screen is up, so its enrolment does not count.
    const policy = await api('PUT', `/api/v1/alert-policies/${GATE}`, {
      rules: { offline: { delaySec: 2, clearSec: 0 } },
    });
    expect(policy.status).toBe(200);
    expect(offlineDeliveries()).toEqual([]);

    await agents.pop()?.stop('SIGKILL');
    // The broker notices the dead link within 1.5 × keepalive (7.5 s); then the 2 s delay.
    await waitFor('the offline alert at the receiver', () => offlineDeliveries().length >= 1, 30_000);
    const [firing] = offlineDeliveries();
    expect(firing?.json.transition).toMatchObject({
      kind: 'firing',
      rule: 'offline',
      device: { id: SCREEN, name: 'Belt 2' },
      gate: { id: GATE, name: 'Cat Bi International Airport' },
      zone: { id: 'arrivals-hall', name: 'Arrivals hall' },
    });
    expect(signedBy(SECRET, firing as Delivery)).toBe(true);
    const alerts = await api('GET', `/api/v1/alerts?gateId=${GATE}`);
    expect(alerts.body.alerts).toMatchObject([
      { id: firing?.json.transition.alertId, rule: 'offline', state: 'open' },
    ]);
    const since = Date.parse(firing?.json.transition.since);
    expect(Date.parse(firing?.json.transition.at) - since).toBeGreaterThanOrEqual(2_000);

    agents.push(startAgent(configFile));
    await waitFor('the resolved alert at the receiver', () => offlineDeliveries().length >= 2, 30_000);
    const kinds = offlineDeliveries().map((delivery) => delivery.json.transition.kind);
    expect(kinds).toEqual(['firing', 'resolved']);
    const resolved = offlineDeliveries()[1];
    expect(resolved?.json.transition.alertId).toBe(firing?.json.transition.alertId);
    expect(signedBy(SECRET, resolved as Delivery)).toBe(true);
    expect((await api('GET', `/api/v1/alerts/${firing?.json.transition.alertId}`)).body.state).toBe(
      'resolved',
    );
  });
});
