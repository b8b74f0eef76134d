import type { Server } from 'node:http';

/** Listens on 127.0.0.1 only: the pages the screen's own Chromium loads are nobody else's. */
export async function listenOnLoopback(server: Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** Closes at once: the kiosk's keep-alive connections would otherwise hold the close open. */
export async function closeServer(server: Server | null): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
