// The transport floor for the MQTT benchmarks: the same aedes version as the fleet, on
// net.createServer(aedes.handle), no hooks, no auth, in-memory. Listens on 127.0.0.1 on the port
// given as its first argument (default: ephemeral) and prints `port <n>` once listening. A line
// `loop` on stdin prints `loop-p99-ms <ms>`, the event-loop delay p99 since the last such line.
// `--index-retained` gives it the fleet's retained-message index (fleet/dist, built): without it
// Aedes matches every SUBSCRIBE against every retained message, and 10k screens take minutes to
// connect. Stops on SIGTERM or when its parent goes away.
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Aedes } from 'aedes';

const port = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 0);
const indexRetained = process.argv.includes('--index-retained');
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const broker = new Aedes();
await broker.listen();
if (indexRetained) {
  const { indexRetainedMessages } = await import('../../fleet/dist/broker/retained-index.js');
  indexRetainedMessages(broker.persistence);
}
const server = createServer(broker.handle);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
const stop = () => {
  server.close();
  broker.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 3_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk;
  let newline;
  while ((newline = input.indexOf('\n')) >= 0) {
    const command = input.slice(0, newline).trim();
    input = input.slice(newline + 1);
    if (command !== 'loop') continue;
    process.stdout.write(`loop-p99-ms ${(loopDelay.percentile(99) / 1e6).toFixed(3)}\n`);
    loopDelay.reset();
  }
});
process.stdin.on('end', stop);
