import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_KINDS, TOPIC_RULES, deviceTopic, parseMessage } from '@gatecast/protocol';
import { recordFigure, sized } from '../../support/figures.js';
import {
  closedOf,
  sleep,
  startSecureBroker,
  until,
  validPayload,
  type SecureBroker,
} from '../../support/broker-security.js';

const DEVICES = sized(10, 50);
/** Attackers run side by side; each one's attempts follow each other (one session per id). */
const PARALLEL = 4;

interface Attempt {
  topic: string;
  payload: string;
  retain: boolean;
  qos: 0 | 1;
}

/** A QoS 0 publish has no answer: a refused one ends the session, an accepted one is counted by the fleet. */
const QOS0_WAIT_MS = 2_000;

// S3: every device publishes on every other device's topics, every kind, and on $SYS. Payloads
// are schema-valid, so only the ACL can stop them. The canary is the first device, subscribed to
// its own fleet→device topics; the fleet's side is every message the broker hands on.
describe('S3 cross-device publish', () => {
  let h: SecureBroker;
  let canary: MqttClient;
  const received: string[] = [];

  beforeAll(async () => {
    h = await startSecureBroker({ devices: DEVICES });
    const canaryId = h.ids[0]!;
    canary = await h.device(canaryId);
    canary.on('message', (topic) => void received.push(topic));
    const granted = await canary.subscribeAsync(
      [deviceTopic(canaryId, 'desired'), deviceTopic(canaryId, 'cmd/req')],
      { qos: 1 },
    );
    expect(granted.map((grant) => grant.qos)).toEqual([1, 1]);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** One connection per attempt: a refused publish ends the session. true when PUBACKed. */
  const attempt = async (deviceId: string, { topic, payload, retain, qos }: Attempt): Promise<boolean> => {
    const client = await h.device(deviceId);
    const gone = closedOf(client);
    const published = client.publishAsync(topic, payload, { qos, retain }).then(
      () => true,
      () => false,
    );
    const answer = qos === 1 ? published : sleep(QOS0_WAIT_MS).then(() => false);
    const acked = await Promise.race([answer, gone.then(() => false)]);
    await client.endAsync(true);
    return acked;
  };

  it(`${DEVICES} devices publish on each other's topics, every kind, and on $SYS`, async () => {
    const plan = (attacker: string): Attempt[] => [
      ...h.ids
        .filter((victim) => victim !== attacker)
        .flatMap((victim) =>
          TOPIC_KINDS.map((kind) => ({
            topic: deviceTopic(victim, kind),
            payload: validPayload(victim, kind),
            retain: TOPIC_RULES[kind].retained,
            qos: TOPIC_RULES[kind].qos,
          })),
        ),
      { topic: '$SYS/gatecast/new/clients', payload: h.ids[0]!, retain: false, qos: 0 },
      { topic: '$SYS/gatecast/heartbeat', payload: 'forged', retain: true, qos: 1 },
    ];
    const attackers = h.ids.slice(1);
    // The payloads themselves are valid: a bypassed ACL would show up as accepted.
    for (const { topic, payload } of plan(attackers[0]!).filter((a) => !a.topic.startsWith('$')))
      expect(parseMessage(topic, payload).ok, topic).toBe(true);

    let attempts = 0;
    let acked = 0;
    for (let start = 0; start < attackers.length; start += PARALLEL) {
      await Promise.all(
        attackers.slice(start, start + PARALLEL).map(async (attacker) => {
          for (const one of plan(attacker)) {
            attempts += 1;
            if (await attempt(attacker, one)) acked += 1;
          }
        }),
      );
    }
    await sleep(300);
    const accepted = h.accepted.length;
    const delivered = received.length;

    // Controls: the same counters do see an allowed publish and a fleet delivery.
    const own = await h.device(attackers[0]!);
    await own.publishAsync(
      deviceTopic(attackers[0]!, 'telemetry'),
      validPayload(attackers[0]!, 'telemetry'),
      {
        qos: 1,
      },
    );
    await h.broker.publishToDevice(h.ids[0]!, 'cmd/req', JSON.parse(validPayload(h.ids[0]!, 'cmd/req')));
    await until(
      () => h.accepted.length === accepted + 1 && received.length === delivered + 1,
      5_000,
      'controls',
    );

    const passed = accepted === 0 && delivered === 0;
    recordFigure({
      id: 'S3',
      figure:
        `${attempts} foreign publishes (${attackers.length} devices × ${DEVICES - 1} others × ${TOPIC_KINDS.length} kinds + 2 $SYS each): ` +
        `accepted ${accepted}, delivered to the canary ${delivered}, PUBACKed ${acked}; controls seen 2/2`,
      pass: '0 accepted, 0 delivered to a canary',
      passed,
      size: `${DEVICES} devices`,
    });
    expect({ accepted, delivered }).toEqual({ accepted: 0, delivered: 0 });
  });
});
