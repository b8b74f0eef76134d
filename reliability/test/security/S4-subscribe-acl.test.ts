import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_KINDS, TOPIC_ROOT, deviceTopic } from '@gatecast/protocol';
import { recordFigure, sized } from '../../support/figures.js';
import {
  sleep,
  startSecureBroker,
  subscribeGrants,
  until,
  validPayload,
  type SecureBroker,
} from '../../support/broker-security.js';

const DEVICES = sized(5, 20);

const WILDCARDS = [
  '#',
  '+/#',
  '$SYS/#',
  '$SYS/+/new/clients',
  'gatecast/#',
  `${TOPIC_ROOT}/#`,
  `${TOPIC_ROOT}/+/desired`,
  `${TOPIC_ROOT}/+/+`,
  `${TOPIC_ROOT}/+/cmd/#`,
];

interface Delivery {
  topic: string;
  retain: boolean;
}

// S4: with every device's retained desired, status and reported in the broker, each device in turn
// subscribes to wildcards, $SYS and every topic of every other device. Nothing foreign may arrive,
// retained or live; its own retained desired (the control) must.
describe('S4 subscribe ACL and retained leak', () => {
  let h: SecureBroker;

  beforeAll(async () => {
    h = await startSecureBroker({ devices: DEVICES });
    for (const id of h.ids) {
      await h.broker.publishToDevice(id, 'desired', JSON.parse(validPayload(id, 'desired')));
      const client = await h.device(id);
      await client.publishAsync(deviceTopic(id, 'status'), validPayload(id, 'status'), {
        qos: 1,
        retain: true,
      });
      await client.publishAsync(deviceTopic(id, 'reported'), validPayload(id, 'reported'), {
        qos: 1,
        retain: true,
      });
      await client.endAsync();
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it(`${DEVICES} devices each subscribe to ${WILDCARDS.length} wildcards and every foreign topic`, async () => {
    let filters = 0;
    let granted = 0;
    let ownRetained = 0;
    const foreign: Delivery[] = [];
    for (const attacker of h.ids) {
      const client: MqttClient = await h.device(attacker);
      const got: Delivery[] = [];
      client.on('message', (topic, _payload, packet) => void got.push({ topic, retain: packet.retain }));
      const others = h.ids.filter((id) => id !== attacker);
      const list = [
        ...WILDCARDS,
        ...others.flatMap((id) => TOPIC_KINDS.map((kind) => deviceTopic(id, kind))),
      ];
      const grants = await subscribeGrants(client, list);
      filters += list.length;
      granted += grants.filter((code) => code !== 128).length;
      // Live traffic after the subscriptions: the fleet and the other devices publish again.
      for (const id of others)
        await h.broker.publishToDevice(id, 'desired', JSON.parse(validPayload(id, 'desired')));
      await client.subscribeAsync(deviceTopic(attacker, 'desired'), { qos: 1 });
      await until(() => got.some((d) => d.topic === deviceTopic(attacker, 'desired')), 5_000, 'own desired');
      await sleep(200);
      ownRetained += got.filter((d) => d.topic === deviceTopic(attacker, 'desired') && d.retain).length;
      foreign.push(...got.filter((d) => !d.topic.startsWith(`${TOPIC_ROOT}/${attacker}/`)));
      await client.endAsync();
    }
    const retained = foreign.filter((d) => d.retain).length;
    // A live leak fails too; the control shows the subscriber would have seen a retained delivery.
    const passed = foreign.length === 0 && ownRetained === DEVICES;
    recordFigure({
      id: 'S4',
      figure:
        `foreign retained messages received: ${retained} (live: ${foreign.length - retained}); ` +
        `${granted}/${filters} foreign filters granted; control: own retained desired ${ownRetained}/${DEVICES}`,
      pass: '0 foreign retained messages',
      passed,
      size: `${DEVICES} devices`,
    });
    expect(ownRetained).toBe(DEVICES);
    expect(foreign).toEqual([]);
  });
});
