import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { rawHttpGet } from './raw-http.js';
import type { SlabPool } from './slab-pool.js';

/**
 * The one HTTP operation the cache needs: GET with headers, an abort signal, and a body read
 * chunk by chunk. By default plain HTTP runs on a lean client of its own (raw-http.ts) and HTTPS
 * on node:https; both cost markedly less CPU per byte than fetch's web streams (see
 * docs/benchmarks.md, B8). A `fetch` can be plugged in instead.
 */
export interface HttpResponse {
  status: number;
  header(name: string): string | null;
  /** The body; iterate it once. A cut connection makes the iteration throw. */
  chunks(): AsyncIterator<Uint8Array>;
  /** Stops the body and releases the connection; safe at any point, and twice. */
  cancel(): Promise<void>;
}

/** `pool`, when given, lends the body's read buffers (see SlabPool); a transport may ignore it. */
export type HttpGet = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  pool?: SlabPool,
) => Promise<HttpResponse>;

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_STATUSES = new Set([200, 206]);

type Agents = { http: HttpAgent; https: HttpsAgent };

export interface NodeHttpClient {
  get: HttpGet;
  /** Closes every kept-alive connection; the cache calls it from stop(). */
  destroy(): void;
}

/**
 * GET with the cache's own connections, following up to 5 redirects: plain HTTP through the lean
 * client (node:http when the body uses a transfer coding), HTTPS through node:https.
 */
export function createNodeHttpClient(): NodeHttpClient {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const sockets = new Set<Socket>();
  const get: HttpGet = async (url, headers, signal, pool) => {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const response = await getOnce(target, headers, signal, { agents, sockets, pool });
      const location = response.header('location');
      if (!REDIRECTS.has(response.status) || !location) return response;
      await response.cancel();
      if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, target);
      // Credentials meant for one origin never follow a redirect to another.
      if (next.origin !== target.origin) headers = withoutAuthorization(headers);
      target = next;
    }
  };
  return {
    get,
    destroy: () => {
      agents.http.destroy();
      agents.https.destroy();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}

async function getOnce(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  { agents, sockets, pool }: { agents: Agents; sockets: Set<Socket>; pool: SlabPool | undefined },
): Promise<HttpResponse> {
  if (url.protocol === 'http:') {
    const raw = await rawHttpGet(url, headers, signal, sockets, pool);
    // Only a body the cache will read is worth a second request (redirects and errors are not).
    if (raw.supported || !BODY_STATUSES.has(raw.response.status)) return raw.response;
    await raw.response.cancel();
  }
  return wrapNode(await nodeGet(url, headers, signal, agents));
}

function nodeGet(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<IncomingMessage> {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:')
    return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', headers, signal, agent: secure ? agents.https : agents.http },
      resolve,
    );
    req.once('error', reject);
    req.end();
  });
}

function wrapNode(response: IncomingMessage): HttpResponse {
  return {
    status: response.statusCode ?? 0,
    header(name) {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : (value ?? null);
    },
    chunks: () => response[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
    cancel: async () => {
      response.destroy();
    },
  };
}

/** The same operation through a `fetch` implementation (redirects are followed by fetch itself). */
export function fetchHttpGet(fetchImpl: typeof fetch): HttpGet {
  return async (url, headers, signal) => {
    const response = await fetchImpl(url, { headers, signal, redirect: 'follow' });
    let iterator: AsyncIterator<Uint8Array> | null = null;
    return {
      status: response.status,
      header: (name) => response.headers.get(name),
      chunks() {
        const body = response.body as unknown as AsyncIterable<Uint8Array> | null;
        iterator = body ? body[Symbol.asyncIterator]() : emptyIterator();
        return iterator;
      },
      cancel: async () => {
        if (iterator) await iterator.return?.().catch(() => undefined);
        else await response.body?.cancel().catch(() => undefined);
      },
    };
  };
}

function emptyIterator(): AsyncIterator<Uint8Array> {
  return { next: async () => ({ done: true, value: undefined }) };
}
