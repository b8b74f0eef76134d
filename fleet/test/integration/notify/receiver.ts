import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** What the receiver answered: a status; 'dropped' when it cut the connection, 'held' when it never answered. */
  answer: number | 'dropped' | 'held';
}

type Answer = { status: number; headers?: Record<string, string> } | 'drop' | 'hold';

/** A promise answers later (a send in flight); the request is recorded when it is answered. */
export type Responder = (request: Omit<Received, 'answer'>, index: number) => Answer | Promise<Answer>;

/** A real HTTP server on 127.0.0.1:0 standing in for Slack, Teams, Google Chat, Telegram or a webhook. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Answers from now on; the default answers 200 `{"ok":true}`. */
  respond(responder: Responder): void;
  /** Parses a received multipart body as the service would. */
  formData(request: Received): Promise<FormData>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let responder: Responder = () => ({ status: 200 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const entry = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      const answer = await responder(entry, received.length);
      if (answer === 'hold') {
        received.push({ ...entry, answer: 'held' });
        return;
      }
      if (answer === 'drop') {
        received.push({ ...entry, answer: 'dropped' });
        request.socket.destroy();
        return;
      }
      received.push({ ...entry, answer: answer.status });
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.status < 300 ? '{"ok":true}' : '{"ok":false,"description":"unavailable"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond(next) {
      responder = next;
    },
    async formData(request) {
      const type = String(request.headers['content-type']);
      return new Request('http://receiver/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: new Uint8Array(request.body),
      }).formData();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The JSON body of a request. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function jsonOf(request: Received): any {
  return JSON.parse(request.body.toString('utf8'));
}

/** The transitions a generic webhook request carried, in order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function transitionsOf(request: Received): any[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return jsonOf(request).deliveries.map((delivery: any) => delivery.transition);
}
