import type { MqttClient } from 'mqtt';
import { withTimeout } from '../lib/with-timeout.js';

/**
 * Publishes the final retained status and disconnects with DISCONNECT, so the broker drops the
 * will. Each step is bounded: on a dead link the socket is simply closed and the broker's will
 * says the same thing a little later. Resolves true when the goodbye was acknowledged.
 */
export async function disconnectCleanly(
  client: MqttClient,
  status: { topic: string; payload: string },
  stepMs: number,
): Promise<boolean> {
  if (!client.connected) {
    await client.endAsync(true);
    return false;
  }
  const closed = new Promise<false>((resolve) => client.once('close', () => resolve(false)));
  const sent = client.publishAsync(status.topic, status.payload, { qos: 1, retain: true }).then(
    () => true,
    () => false,
  );
  const acked = await withTimeout(Promise.race([sent, closed]), stepMs, false);
  if (acked && client.connected) {
    const ended = await withTimeout(
      Promise.race([client.endAsync(false).then(() => true), closed]),
      stepMs,
      false,
    );
    if (ended) return true;
  }
  // end(false) may be waiting for acks that will never come; a second end() would be a no-op.
  client.stream?.destroy();
  await client.endAsync(true).catch(() => undefined);
  return false;
}
