import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  range: string | null;
  ifRange: string | null;
  authorization: string | null;
}

/** How the server misbehaves; changed by the test between downloads. */
export interface ArtifactBehaviour {
  /** Destroy the socket once this many bytes of the file have been sent (once). */
  cutAt: number | null;
  /** Send this many bytes of the file and then nothing more, keeping the connection open. */
  stallAt: number | null;
  /** Answer 200 with the whole file even when a Range is asked. */
  ignoreRange: boolean;
  status: number;
}

/** A real HTTP server on 127.0.0.1 serving one artifact with Range, or misbehaving as told. */
export class ArtifactServer {
  readonly requests: ServedRequest[] = [];
  readonly behaviour: ArtifactBehaviour = { cutAt: null, stallAt: null, ignoreRange: false, status: 200 };
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();

  constructor(private body: Buffer) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/v1/device/releases/1.4.0/artifact`;
  }

  serve(body: Buffer): void {
    this.body = body;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const header = (name: string) => (req.headers[name] as string | undefined) ?? null;
    this.requests.push({
      range: header('range'),
      ifRange: header('if-range'),
      authorization: header('authorization'),
    });
    if (this.behaviour.status !== 200) {
      res.writeHead(this.behaviour.status).end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(header('range') ?? '');
    const start = match && !this.behaviour.ignoreRange ? Number(match[1]) : 0;
    const headers = { etag: '"release-1.4.0"', 'content-length': String(this.body.length - start) };
    if (start > 0) {
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${this.body.length - 1}/${this.body.length}`,
      });
    } else {
      res.writeHead(200, headers);
    }
    const { cutAt, stallAt } = this.behaviour;
    if (cutAt !== null && cutAt > start) {
      this.behaviour.cutAt = null;
      res.write(this.body.subarray(start, cutAt), () => res.socket?.destroy());
      return;
    }
    if (stallAt !== null && stallAt > start) {
      this.open.add(res);
      res.write(this.body.subarray(start, stallAt));
      return;
    }
    res.end(this.body.subarray(start));
  }
}
