import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_KINDS, TOPIC_ROOT, TOPIC_RULES, deviceTopic } from '@gatecast/protocol';
import { recordFigure, sized } from '../../support/figures.js';
import {
  connectFrame,
  rawConnect,
  sleep,
  startSecureBroker,
  until,
  validPayload,
  type SecureBroker,
} from '../../support/broker-security.js';

const DEVICES = sized(5, 20);

interface Will {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

// S5: each device connects with its own valid secret but a last will aimed elsewhere: every kind
// of every other device's topics, its own fleet→device topics, $SYS and a wildcard. An accepted
// CONNECT is then cut without DISCONNECT, so a will that got through would be published.
describe('S5 last will aimed at another device', () => {
  let h: SecureBroker;
  const received: string[] = [];

  beforeAll(async () => {
    h = await startSecureBroker({ devices: DEVICES });
    const canaryId = h.ids[0]!;
    const canary = await h.device(canaryId);
    canary.on('message', (topic) => void received.push(topic));
    await canary.subscribeAsync([deviceTopic(canaryId, 'desired'), deviceTopic(canaryId, 'cmd/req')], {
      qos: 1,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Connects with the will, cuts an accepted connection; the CONNACK code. */
  const connectWithWill = async (deviceId: string, will: Will): Promise<number> => {
    const frame = connectFrame({
      clientId: deviceId,
      username: deviceId,
      password: Buffer.from(h.secrets.get(deviceId)!),
      will,
    });
    const { code, socket } = await rawConnect(h.port, frame, true);
    if (code === 0) {
      await until(() => h.broker.isConnected(deviceId), 5_000, `${deviceId} connected`);
      socket.destroy();
      await until(() => !h.broker.isConnected(deviceId), 5_000, `${deviceId} gone`);
    }
    return code;
  };

  it(`${DEVICES - 1} devices leave wills on every other device's topics`, async () => {
    const will = (topic: string, payload: string, retain = true): Will => ({
      topic,
      payload: Buffer.from(payload),
      qos: 1,
      retain,
    });
    let foreignWills = 0;
    let connectsAccepted = 0;
    let delivered = 0;
    let controls = 0;
    for (const attacker of h.ids.slice(1)) {
      const wills = [
        ...h.ids
          .filter((victim) => victim !== attacker)
          .flatMap((victim) =>
            TOPIC_KINDS.map((kind) =>
              will(deviceTopic(victim, kind), validPayload(victim, kind), TOPIC_RULES[kind].retained),
            ),
          ),
        will(deviceTopic(attacker, 'desired'), validPayload(attacker, 'desired')),
        will(deviceTopic(attacker, 'cmd/req'), validPayload(attacker, 'cmd/req'), false),
        will('$SYS/gatecast/heartbeat', 'forged'),
        will(`${TOPIC_ROOT}/+/status`, validPayload(attacker, 'status')),
      ];
      for (const aimed of wills) {
        const before = h.accepted.length;
        foreignWills += 1;
        if ((await connectWithWill(attacker, aimed)) === 0) connectsAccepted += 1;
        await sleep(20);
        delivered += h.accepted.length - before;
      }
      // Control: the device's own status will is published when its connection is cut.
      const before = h.accepted.length;
      expect(
        await connectWithWill(
          attacker,
          will(deviceTopic(attacker, 'status'), validPayload(attacker, 'status')),
        ),
      ).toBe(0);
      await until(() => h.accepted.length > before, 5_000, 'own will');
      if (h.accepted.at(-1)?.deviceId === attacker) controls += 1;
    }
    await sleep(300);
    delivered += received.length;
    const attackers = DEVICES - 1;
    const passed = delivered === 0 && controls === attackers;
    recordFigure({
      id: 'S5',
      figure:
        `wills delivered: ${delivered} of ${foreignWills} foreign wills (CONNECTs accepted ${connectsAccepted}); ` +
        `control: own will delivered ${controls}/${attackers}`,
      pass: '0 wills delivered',
      passed,
      size: `${attackers} devices × ${foreignWills / attackers} wills`,
    });
    expect(controls).toBe(attackers);
    expect(delivered).toBe(0);
  });
});
