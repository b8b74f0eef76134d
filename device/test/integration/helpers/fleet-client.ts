import { connectAsync, type MqttClient } from 'mqtt';
import { allDevicesFilter, deviceTopic, parseTopic, type TopicKind } from '@gatecast/protocol';
import { FLEET } from './test-broker.js';

export interface SeenMessage {
  deviceId: string;
  kind: TopicKind;
  payload: Record<string, unknown>;
  retain: boolean;
}

/** Plays the fleet: watches every device topic and sends desired documents and commands. */
export class FleetClient {
  readonly seen: SeenMessage[] = [];
  private waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const parsed = parseTopic(topic);
      if (!parsed) return;
      this.seen.push({
        ...parsed,
        payload: JSON.parse(payload.toString()) as Record<string, unknown>,
        retain: packet.retain,
      });
      for (const waiter of this.waiters) waiter();
    });
  }

  static async connect(
    url: string,
    clientId = `fleet-${Math.random().toString(36).slice(2, 10)}`,
  ): Promise<FleetClient> {
    const client = await connectAsync(url, {
      protocolVersion: 4,
      clientId,
      username: FLEET.username,
      password: FLEET.password,
      reconnectPeriod: 0,
    });
    const fleet = new FleetClient(client);
    const kinds: TopicKind[] = ['status', 'reported', 'telemetry', 'events', 'cmd/res'];
    await client.subscribeAsync(
      kinds.map((kind) => allDevicesFilter(kind)),
      { qos: 1 },
    );
    return fleet;
  }

  async publishDesired(deviceId: string, document: Record<string, unknown>): Promise<void> {
    await this.client.publishAsync(deviceTopic(deviceId, 'desired'), JSON.stringify(document), {
      qos: 1,
      retain: true,
    });
  }

  async sendCommand(deviceId: string, request: Record<string, unknown>): Promise<void> {
    await this.client.publishAsync(deviceTopic(deviceId, 'cmd/req'), JSON.stringify(request), { qos: 1 });
  }

  /** Resolves with the first message (already seen or arriving) that matches. */
  waitFor(
    match: (message: SeenMessage) => boolean,
    timeoutMs = 15_000,
    what = 'a matching message',
  ): Promise<SeenMessage> {
    const found = this.seen.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.seen.find(match);
        if (!hit) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  of(deviceId: string, kind: TopicKind): SeenMessage[] {
    return this.seen.filter((message) => message.deviceId === deviceId && message.kind === kind);
  }

  async close(): Promise<void> {
    this.waiters.clear();
    await this.client.endAsync(true);
  }
}
