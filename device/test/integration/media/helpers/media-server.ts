import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server misbehaves for one file; every field may change between requests. */
export interface FileBehaviour {
  etag: string | null;
  lastModified: string | null;
  /** Absolute offsets in the file: each response is cut at the first one beyond its start, once. */
  cuts: number[];
  /** Answers every Range request with the full file and 200, like a server without ranges. */
  ignoreRange: boolean;
  /** Answers a Range request with 206 but sends the whole file and says so in Content-Range. */
  wrongContentRange: boolean;
  /** Sends no Content-Length (chunked), so only the client can enforce the size. */
  chunked: boolean;
  /** Serves these bytes instead of the file, e.g. more than declared. */
  bodyOverride: Buffer | null;
  /** Stops sending at this offset until `release()` or until the client goes away. */
  pauseAt: number | null;
  status: number | null;
}

export interface ServedRequest {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  acceptEncoding: string | undefined;
}

interface Served {
  data: Buffer;
  behaviour: FileBehaviour;
  bytesSent: number;
}

const CHUNK = 64 * 1024;

/**
 * A real HTTP file server on 127.0.0.1 for the media cache tests: Range and If-Range as in
 * RFC 9110, plus the faults the cache must survive. It counts the body bytes it wrote per file,
 * which is how the tests prove nothing was fetched twice.
 */
export class MediaServer {
  readonly requests: ServedRequest[] = [];
  private readonly files = new Map<string, Served>();
  private readonly redirects = new Map<string, { to: string; status: number }>();
  private readonly server: Server;
  private readonly releases = new Set<() => void>();
  private active = 0;
  maxActive = 0;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  serve(path: string, data: Buffer, behaviour: Partial<FileBehaviour> = {}): string {
    this.files.set(path, {
      data,
      bytesSent: 0,
      behaviour: {
        etag: `"${path.replace(/\W/g, '')}-v1"`,
        lastModified: new Date('2026-11-20T08:00:00Z').toUTCString(),
        cuts: [],
        ignoreRange: false,
        wrongContentRange: false,
        chunked: false,
        bodyOverride: null,
        pauseAt: null,
        status: null,
        ...behaviour,
      },
    });
    return this.url(path);
  }

  /** Answers `from` with a redirect to `to`. */
  redirect(from: string, to: string, status = 302): void {
    this.redirects.set(from, { to, status });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  behaviour(path: string): FileBehaviour {
    return this.file(path).behaviour;
  }

  bytesSent(path: string): number {
    return this.file(path).bytesSent;
  }

  requestsFor(path: string): ServedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Responses waiting at their `pauseAt`. */
  get pausedCount(): number {
    return this.releases.size;
  }

  /** Lets every paused response continue. */
  release(): void {
    for (const release of this.releases) release();
    this.releases.clear();
  }

  private file(path: string): Served {
    const served = this.files.get(path);
    if (!served) throw new Error(`not served: ${path}`);
    return served;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const header = (name: string) => req.headers[name] as string | undefined;
    this.requests.push({
      path,
      range: header('range'),
      ifRange: header('if-range'),
      acceptEncoding: header('accept-encoding'),
    });
    const redirect = this.redirects.get(path);
    if (redirect) {
      res.writeHead(redirect.status, { location: redirect.to }).end();
      return;
    }
    const served = this.files.get(path);
    if (!served) {
      res.writeHead(404).end();
      return;
    }
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.respond(req, res, served);
    } finally {
      this.active--;
    }
  }

  private async respond(req: IncomingMessage, res: ServerResponse, served: Served): Promise<void> {
    const { behaviour } = served;
    const body = behaviour.bodyOverride ?? served.data;
    if (behaviour.status) {
      res.writeHead(behaviour.status).end();
      return;
    }
    const start = this.rangeStart(req, behaviour, body.length);
    if (start === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const headers = this.headersFor(behaviour, start, body.length);
    const from = behaviour.wrongContentRange ? 0 : start;
    res.writeHead(start > 0 ? 206 : 200, headers);
    await this.sendBody(res, served, body, from);
  }

  private rangeStart(req: IncomingMessage, behaviour: FileBehaviour, size: number): number | 'unsatisfiable' {
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (!match || behaviour.ignoreRange) return 0;
    const ifRange = req.headers['if-range'];
    if (ifRange !== undefined && ifRange !== behaviour.etag && ifRange !== behaviour.lastModified) return 0;
    const start = Number(match[1]);
    return start >= size ? 'unsatisfiable' : start;
  }

  private headersFor(behaviour: FileBehaviour, start: number, size: number): Record<string, string> {
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    };
    if (behaviour.etag) headers.etag = behaviour.etag;
    if (behaviour.lastModified) headers['last-modified'] = behaviour.lastModified;
    if (start > 0) {
      const first = behaviour.wrongContentRange ? 0 : start;
      headers['content-range'] = `bytes ${first}-${size - 1}/${size}`;
    }
    if (!behaviour.chunked)
      headers['content-length'] = String(size - (behaviour.wrongContentRange ? 0 : start));
    return headers;
  }

  /** Writes in chunks with backpressure, cutting or pausing where the behaviour says. */
  private async sendBody(res: ServerResponse, served: Served, body: Buffer, from: number): Promise<void> {
    const { behaviour } = served;
    const cutIndex = behaviour.cuts.findIndex((cut) => cut > from);
    const cut = cutIndex >= 0 ? behaviour.cuts.splice(cutIndex, 1)[0]! : null;
    let closed = false;
    let pauseAt = behaviour.pauseAt;
    res.once('close', () => (closed = true));
    for (let offset = from; offset < body.length && !closed;) {
      if (pauseAt !== null && offset >= pauseAt) {
        await this.paused(res);
        pauseAt = null;
      }
      if (closed) return;
      const pauseLimit = pauseAt !== null && offset < pauseAt ? pauseAt : body.length;
      const limit = Math.min(body.length, cut ?? body.length, pauseLimit);
      const chunk = body.subarray(offset, Math.min(limit, offset + CHUNK));
      served.bytesSent += chunk.length;
      offset += chunk.length;
      if (cut !== null && offset >= cut) {
        res.write(chunk, () => res.destroy());
        return;
      }
      if (!res.write(chunk)) await drainOrClose(res);
    }
    if (!closed) res.end();
  }

  private paused(res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.releases.delete(done);
        resolve();
      };
      this.releases.add(done);
      res.once('close', done);
    });
  }
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}
