import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP hop between a screen and the broker that the test can cut, like a bad mobile link. */
export interface FlappingProxy {
  port: number;
  /** Destroys every open connection at once, mid-packet if need be. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startFlappingProxy(targetPort: number): Promise<FlappingProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server: Server = createServer((inbound) => {
    track(inbound);
    const outbound = connect(targetPort, '127.0.0.1');
    track(outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  return {
    port: address.port,
    cutAll() {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
