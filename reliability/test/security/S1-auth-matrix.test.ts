import mqtt, { type IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfigInput } from '@gatecast/protocol';
import { startRealFleet, type RealFleet } from '../../../fleet/test/integration/fleet/real-fleet.js';
import { recordFigure, sized } from '../../support/figures.js';
import { closedOf, connackOf, enrolThroughApi, prepareFleetGate } from '../../support/broker-security.js';

// The catalogue's size is cheap enough (a few seconds) for the short form too.
const TRIES = sized(100, 100);

// S1: every way in but the right one is refused, against the whole fleet manager: devices enrolled
// through the API, secrets checked against the store, revocation through the API's rotate and remove.
describe('S1 auth matrix', () => {
  let fleet: RealFleet;
  let own: AgentConfigInput;
  let other: AgentConfigInput;
  let rotated: AgentConfigInput;
  let removed: AgentConfigInput;

  beforeAll(async () => {
    fleet = await startRealFleet({ LOG_LEVEL: 'warn' });
    await prepareFleetGate(fleet);
    own = await enrolThroughApi(fleet, 'Screen own');
    other = await enrolThroughApi(fleet, 'Screen other');
    rotated = await enrolThroughApi(fleet, 'Screen rotated');
    removed = await enrolThroughApi(fleet, 'Screen removed');
    const rotation = await fleet.api('POST', `/api/v1/devices/${rotated.deviceId}/secret`);
    expect(rotation.status).toBe(200);
    expect(rotation.body.agentConfig.secret).not.toBe(rotated.secret);
    expect((await fleet.api('DELETE', `/api/v1/devices/${removed.deviceId}`)).status).toBe(204);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it(`accepts only the device's own credentials, ${TRIES} tries per case`, async () => {
    const as = (deviceId: string, password?: string, clientId = deviceId): IClientOptions => ({
      clientId,
      username: deviceId,
      ...(password === undefined ? {} : { password }),
    });
    const cases: Array<[string, (attempt: number) => IClientOptions]> = [
      // Alternates an anonymous CONNECT with a username and no password.
      ['none', (n) => (n % 2 ? { clientId: own.deviceId } : as(own.deviceId))],
      ['wrong', (n) => as(own.deviceId, `not-the-secret-${n}`)],
      // The secret before a rotation, and the secret of a removed device.
      [
        'revoked',
        (n) => (n % 2 ? as(rotated.deviceId, rotated.secret) : as(removed.deviceId, removed.secret)),
      ],
      // Own secret under another id, another device's client id, or an empty one the broker would name.
      [
        'other id',
        (n) =>
          [
            as(other.deviceId, own.secret),
            as(own.deviceId, own.secret, other.deviceId),
            as(own.deviceId, own.secret, ''),
          ][n % 3]!,
      ],
      ['right', () => as(own.deviceId, own.secret)],
    ];
    const url = `mqtt://127.0.0.1:${fleet.running.mqttPort}`;
    const accepted = new Map<string, number>();
    for (const [name, options] of cases) {
      let count = 0;
      for (let attempt = 0; attempt < TRIES; attempt += 1) {
        const client = mqtt.connect(url, {
          protocolVersion: 4,
          reconnectPeriod: 0,
          connectTimeout: 5_000,
          ...options(attempt),
        });
        const code = await connackOf(client);
        if (code === 0) count += 1;
        const gone = closedOf(client);
        await client.endAsync(code !== 0);
        await gone;
      }
      accepted.set(name, count);
    }
    const per = [...accepted].map(([name, count]) => `${name} ${count}/${TRIES}`).join(', ');
    const onlyRight = cases.every(([name]) => accepted.get(name) === (name === 'right' ? TRIES : 0));
    recordFigure({
      id: 'S1',
      figure: `accepted per case: ${per}`,
      pass: 'only the right one accepted',
      passed: onlyRight,
      size: `${TRIES} tries per case`,
    });
    expect(Object.fromEntries(accepted)).toEqual({
      none: 0,
      wrong: 0,
      revoked: 0,
      'other id': 0,
      right: TRIES,
    });
  });
});
