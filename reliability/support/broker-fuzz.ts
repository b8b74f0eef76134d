import mqttPacket from 'mqtt-packet';
import { deviceTopic } from '@gatecast/protocol';
import {
  connectPacket,
  eventPayload,
  telemetryPayload,
} from '../../fleet/test/integration/broker/helpers.js';

/**
 * F1's case generator: valid MQTT packets of every type (as a screen would send them, and aimed
 * at other devices' topics), then mutated byte-wise: bit flips, overwritten, inserted or deleted
 * bytes, truncation, duplicated slices. Deterministic for a given random source.
 */

export type Random = () => number;

export interface FuzzIdentities {
  /** The device the case's CONNECT authenticates as. */
  self: string;
  /** A connected screen subscribed to its own topics: must receive nothing from the fuzzer. */
  canary: string;
  /** A device that never connects: nothing may be accepted or retained on its topics. */
  victim: string;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function publish(topic: string, payload: string, qos: 0 | 1 | 2, retain = false): Buffer {
  return mqttPacket.generate({
    cmd: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos,
    retain,
    dup: false,
    ...(qos ? { messageId: 1 + (topic.length % 60_000) } : {}),
  });
}

/** Valid packets after a CONNECT: own topics, others' topics, subscriptions, acks, pings. */
function corpus({ self, canary, victim }: FuzzIdentities): Buffer[] {
  const desired = JSON.stringify({ version: 99, deviceId: canary });
  return [
    publish(deviceTopic(self, 'events'), eventPayload(), 1),
    publish(deviceTopic(self, 'telemetry'), telemetryPayload(), 0),
    publish(
      deviceTopic(self, 'status'),
      JSON.stringify({ state: 'online', at: new Date().toISOString() }),
      1,
      true,
    ),
    publish(deviceTopic(canary, 'desired'), desired, 1, true),
    publish(deviceTopic(canary, 'cmd/req'), '{"id":"fuzz-0001","name":"reboot"}', 1),
    publish(deviceTopic(canary, 'events'), eventPayload(), 1),
    publish(deviceTopic(victim, 'desired'), desired, 0, true),
    publish(deviceTopic(victim, 'telemetry'), telemetryPayload(), 2),
    publish(
      deviceTopic(victim, 'status'),
      JSON.stringify({ state: 'online', at: new Date().toISOString() }),
      1,
      true,
    ),
    mqttPacket.generate({
      cmd: 'subscribe',
      messageId: 3,
      subscriptions: [
        { topic: deviceTopic(self, 'desired'), qos: 1 },
        { topic: deviceTopic(canary, 'cmd/req'), qos: 1 },
      ],
    }),
    mqttPacket.generate({ cmd: 'subscribe', messageId: 4, subscriptions: [{ topic: '#', qos: 2 }] }),
    mqttPacket.generate({
      cmd: 'unsubscribe',
      messageId: 5,
      unsubscriptions: [deviceTopic(self, 'desired')],
    }),
    mqttPacket.generate({ cmd: 'puback', messageId: 1 }),
    mqttPacket.generate({ cmd: 'pubrec', messageId: 1 }),
    mqttPacket.generate({ cmd: 'pubrel', messageId: 1 }),
    mqttPacket.generate({ cmd: 'pubcomp', messageId: 1 }),
    mqttPacket.generate({ cmd: 'pingreq' }),
    mqttPacket.generate({ cmd: 'disconnect' }),
  ];
}

function connects({ self, canary, victim }: FuzzIdentities): Buffer[] {
  const will = (topic: string): { will: NonNullable<mqttPacket.IConnectPacket['will']> } => ({
    will: { topic, payload: Buffer.from(eventPayload()), qos: 1, retain: false },
  });
  return [
    connectPacket(self),
    connectPacket(self, will(deviceTopic(self, 'events'))),
    connectPacket(self, will(deviceTopic(canary, 'cmd/req'))),
    connectPacket(self, will(deviceTopic(victim, 'events'))),
    connectPacket(self, { protocolId: 'MQIsdp', protocolVersion: 3 }),
    connectPacket(self, { protocolVersion: 5, properties: { maximumPacketSize: 1024 } }),
  ];
}

/** One to three mutations of a packet. */
export function mutate(random: Random, packet: Buffer): Buffer {
  let bytes = Buffer.from(packet);
  for (let count = 1 + int(random, 3); count > 0; count -= 1) {
    const at = int(random, bytes.length + 1);
    switch (int(random, 6)) {
      case 0: {
        if (at < bytes.length) bytes[at] = (bytes[at] as number) ^ (1 << int(random, 8));
        break;
      }
      case 1: {
        if (at < bytes.length) bytes[at] = int(random, 256);
        break;
      }
      case 2: {
        const inserted = Buffer.from(Array.from({ length: 1 + int(random, 8) }, () => int(random, 256)));
        bytes = Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
        break;
      }
      case 3:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(random, 8))]);
        break;
      case 4:
        bytes = bytes.subarray(0, at);
        break;
      default: {
        const slice = bytes.subarray(at, at + 1 + int(random, 16));
        bytes = Buffer.concat([bytes.subarray(0, at), slice, bytes.subarray(at)]);
      }
    }
  }
  return bytes;
}

/**
 * One case's bytes: a CONNECT then one to three packets, exactly one of them mutated (the
 * CONNECT in a quarter of the cases, so both the pre- and post-authentication paths are fuzzed).
 */
export function fuzzCase(random: Random, identities: FuzzIdentities): Buffer {
  const packets = [pick(random, connects(identities))];
  const valid = corpus(identities);
  for (let count = 1 + int(random, 3); count > 0; count -= 1) packets.push(pick(random, valid));
  const target = random() < 0.25 ? 0 : 1 + int(random, packets.length - 1);
  packets[target] = mutate(random, packets[target] as Buffer);
  return Buffer.concat(packets);
}
