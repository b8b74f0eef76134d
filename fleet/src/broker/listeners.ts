import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export interface ListenerOptions {
  log: Logger;
  tcp: { host?: string; port: number };
  tls?: { host?: string; port: number; cert: string | Buffer; key: string | Buffer };
  /** How long a TLS handshake may take; slow handshakes hold sockets like slow CONNECTs do. */
  handshakeTimeoutMs: number;
  onSocket(socket: net.Socket): void;
}

export interface Listeners {
  mqttPort: number;
  mqttsPort: number | null;
  /** Stops accepting; resolves once every connection the servers accepted has closed. */
  close(): Promise<void>;
}

async function listen(server: net.Server, host: string | undefined, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Opens the plain MQTT listener and, when configured, the TLS one; both feed `onSocket`. */
export async function openListeners(options: ListenerOptions): Promise<Listeners> {
  const { log, onSocket } = options;
  const servers: net.Server[] = [];
  const onServerError = (error: Error): void => log.error({ err: error }, 'listener error');
  try {
    const plain = net.createServer({ allowHalfOpen: false }, onSocket);
    plain.on('error', onServerError);
    servers.push(plain);
    const mqttPort = await listen(plain, options.tcp.host, options.tcp.port);
    let mqttsPort: number | null = null;
    if (options.tls) {
      const secure = tls.createServer({
        cert: options.tls.cert,
        key: options.tls.key,
        handshakeTimeout: options.handshakeTimeoutMs,
        allowHalfOpen: false,
      });
      secure.on('secureConnection', onSocket);
      secure.on('tlsClientError', (error, socket) => {
        log.info({ remote: socket.remoteAddress, reason: error.message }, 'TLS handshake failed');
      });
      secure.on('error', onServerError);
      servers.push(secure);
      mqttsPort = await listen(secure, options.tls.host, options.tls.port);
    }
    return { mqttPort, mqttsPort, close: () => Promise.all(servers.map(closeServer)).then(() => undefined) };
  } catch (error) {
    await Promise.all(servers.filter((server) => server.listening).map(closeServer));
    throw error;
  }
}
