// B1's receiver on the bare brokers (forked by bench-throughput.js): one mqtt.js subscriber in its
// own process, so the publisher and the receiver each have an event loop, as on a real fleet. It
// counts messages and stamps the last one; the parent asks with 'report'. Exits with its parent.
import mqtt from 'mqtt';

let client = null;
let received = 0;
let lastAt = 0;

process.on('message', async (message) => {
  try {
    if (message.type === 'subscribe') {
      client = mqtt.connect(message.url, {
        protocolVersion: 4,
        clientId: message.clientId,
        clean: true,
        reconnectPeriod: 0,
      });
      await new Promise((resolveConnect, reject) => {
        client.once('connect', resolveConnect);
        client.once('error', reject);
      });
      client.on('message', () => {
        received += 1;
        lastAt = Date.now();
      });
      await client.subscribeAsync(message.topic, { qos: message.qos });
      process.send({ type: 'ready' });
    } else if (message.type === 'reset') {
      received = 0;
      lastAt = 0;
      process.send({ type: 'reset' });
    } else if (message.type === 'report') {
      process.send({ type: 'report', received, lastAt });
    } else if (message.type === 'stop') {
      await client?.endAsync();
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: error.message });
  }
});
// The parent went away (Ctrl-C, crash): do not linger.
process.on('disconnect', () => process.exit(0));
