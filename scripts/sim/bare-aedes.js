// The transport floor for the MQTT benchmarks: the same aedes version as the fleet, on
// net.createServer(aedes.handle), no hooks, no auth, in-memory. Prints `port <n>` once listening
// on 127.0.0.1 and stops on SIGTERM or when its parent goes away.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const broker = new Aedes();
await broker.listen();
const server = createServer(broker.handle);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
const stop = () => {
  server.close();
  broker.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 3_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
