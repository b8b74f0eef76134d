import { afterAll, describe, expect, it } from 'vitest';
import { readToken, startFleet, tempDir, type FleetProcess } from '../../../e2e/test/support/processes.js';
import { openDatabase } from '../../../fleet/src/store/database.js';
import { silentLogger } from '../../../fleet/test/integration/store/temp-store.js';
import { recordFigure, sized } from '../../support/figures.js';

const TRIES = sized(25, 100);
const AIRPORT = 'cat-bi-airport';
const PORT = 'hai-phong-port';

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

// V3: the ways a screen (or someone holding a card) might get credentials it should not, each
// tried against a real `gatecast serve`. "Accepted" is the harm itself: a secret handed out or a
// device created. Enrolment tokens are gate-wide on purpose (one per gate, many screens), so
// "reuse" is the replay of an enrolment already consumed: its poll and its pairing code.
describe('V3 enrolment refusals', () => {
  const data = tempDir('v3-fleet');
  let fleet: FleetProcess | undefined;

  afterAll(async () => {
    await fleet?.stop();
    data.remove();
  });

  it(`accepts none of token reuse, expired token, other gate, duplicate id (${TRIES} tries each)`, async () => {
    fleet = await startFleet(data.path, { LOG_LEVEL: 'warn', GATECAST_DEMO_CONTENT: '0' });
    const admin = readToken(data.path);
    const url = fleet.url;
    const call = async (
      method: string,
      path: string,
      bearer: string | null,
      body?: unknown,
    ): Promise<Answer> => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    };
    const api = (method: string, path: string, body?: unknown) => call(method, path, admin, body);
    for (const [id, zone] of [
      [AIRPORT, 'arrivals'],
      [PORT, 'terminal'],
    ] as const) {
      expect((await api('POST', '/api/v1/gates', { id, name: id })).status).toBe(201);
      expect((await api('POST', `/api/v1/gates/${id}/zones`, { id: zone, name: zone })).status).toBe(201);
    }
    const newToken = async () => {
      const created = await api('POST', '/api/v1/enrolment-tokens', { gateId: AIRPORT, zoneId: 'arrivals' });
      expect(created.status).toBe(201);
      return created.body as { id: string; token: string };
    };
    const ask = (token: string, serial: string, extra: object = {}) =>
      call('POST', '/api/v1/enrolment/requests', token, { serial, agentVersion: '1.0.0', ...extra });
    const approve = (pairingCode: string, gateId: string, deviceId?: string) =>
      api('POST', '/api/v1/enrolment/approve', { pairingCode, gateId, name: 'Screen', deviceId });
    const statuses = new Map<string, Map<number, number>>();
    const seen = (kind: string, status: number) => {
      const counts = statuses.get(kind) ?? new Map<number, number>();
      counts.set(status, (counts.get(status) ?? 0) + 1);
      statuses.set(kind, counts);
    };

    // The control: the right screen with the right token is enrolled, and collects its secret once.
    const legit = await newToken();
    const asked = await ask(legit.token, '10000000c0a70001');
    expect(asked.status).toBe(201);
    const approved = await approve(asked.body.pairingCode, AIRPORT, 'cat-bi-belt-01');
    expect(approved.status).toBe(201);
    const poll = () =>
      call('GET', `/api/v1/enrolment/requests/${asked.body.requestId}`, asked.body.pollToken);
    const delivered = await poll();
    const control = typeof delivered.body?.device?.secret === 'string' ? 1 : 0;

    // Reuse: the consumed enrolment replayed, its poll (a second secret?) and its code (a second device?).
    let reuse = 0;
    for (let i = 0; i < TRIES; i++) {
      const again = await poll();
      seen('reuse poll', again.status);
      const twice = await approve(asked.body.pairingCode, AIRPORT, `cat-bi-replay-${i}`);
      seen('reuse approve', twice.status);
      if (again.body?.device !== undefined || twice.status === 201) reuse += 1;
    }

    // Expired: a token whose expiry passed (moved into the past in the fleet's store).
    const expiring = await newToken();
    const side = openDatabase(data.path, silentLogger());
    side
      .prepare('UPDATE enrolment_tokens SET expires_at = ? WHERE id = ?')
      .run('2020-01-01T00:00:00.000Z', expiring.id);
    side.close();
    const listed = (await api('GET', '/api/v1/enrolment-tokens')).body.tokens as Array<{
      id: string;
      state: string;
    }>;
    expect(listed.find((token) => token.id === expiring.id)?.state).toBe('expired');
    let expired = 0;
    for (let i = 0; i < TRIES; i++) {
      const tried = await ask(expiring.token, `10000000e0a7${String(i).padStart(4, '0')}`);
      seen('expired ask', tried.status);
      if (tried.status < 300) expired += 1;
    }

    // Other gate: an airport token on a card written for the port, approved into the port.
    const airport = await newToken();
    let otherGate = 0;
    for (let i = 0; i < TRIES; i++) {
      const tried = await ask(airport.token, `10000000ba7e${String(i).padStart(4, '0')}`, { gateId: PORT });
      seen('other-gate ask', tried.status);
      const moved = await approve(tried.body.pairingCode as string, PORT);
      seen('other-gate approve', moved.status);
      if (moved.status === 201) otherGate += 1;
    }

    // Duplicate id: a new screen approved under the id of the one already enrolled.
    const more = await newToken();
    let duplicate = 0;
    for (let i = 0; i < TRIES; i++) {
      const tried = await ask(more.token, `10000000d0b1${String(i).padStart(4, '0')}`);
      seen('duplicate ask', tried.status);
      const taken = await approve(tried.body.pairingCode as string, AIRPORT, 'cat-bi-belt-01');
      seen('duplicate approve', taken.status);
      if (taken.status === 201) duplicate += 1;
    }

    const devices = (await api('GET', '/api/v1/devices')).body.devices as Array<{
      id: string;
      gateId: string;
    }>;
    const answers = [...statuses]
      .map(([kind, counts]) => `${kind} ${[...counts].map(([status, n]) => `${status}×${n}`).join('/')}`)
      .join(', ');
    const accepted = reuse + expired + otherGate + duplicate;
    recordFigure({
      id: 'V3',
      figure:
        `accepted: token reuse ${reuse}/${TRIES}, expired ${expired}/${TRIES}, other gate ${otherGate}/${TRIES}, ` +
        `duplicate id ${duplicate}/${TRIES}; control (right token) ${control}/1; devices at the fleet ` +
        `${devices.length} (${devices.map((device) => device.id).join(', ')}); answers: ${answers}`,
      pass: '0 accepted',
      passed: accepted === 0 && control === 1 && devices.length === 1,
      size: `${TRIES} tries per case`,
    });
    expect(control).toBe(1);
    expect({ reuse, expired, otherGate, duplicate }).toEqual({
      reuse: 0,
      expired: 0,
      otherGate: 0,
      duplicate: 0,
    });
    expect(devices.map((device) => device.id)).toEqual(['cat-bi-belt-01']);
  });
});
