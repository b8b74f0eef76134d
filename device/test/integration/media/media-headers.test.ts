import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger } from './helpers/fixtures.js';

const AUTHORIZATION = 'Basic Y2F0LWJpLWFyci0wMTpzZWNyZXQ=';

/** An origin that serves one file, optionally only with credentials, and records what it was sent. */
class Origin {
  readonly seen: Array<string | undefined> = [];
  private server: Server | null = null;
  constructor(
    private readonly routes: (req: IncomingMessage) => { status: number; body?: Buffer; location?: string },
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.seen.push(req.headers.authorization);
      const { status, body, location } = this.routes(req);
      res.writeHead(status, {
        ...(location ? { location } : {}),
        'content-length': String(body?.length ?? 0),
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function credentialsFor(origin: string): (url: URL) => Record<string, string> {
  return (url): Record<string, string> => (url.origin === origin ? { authorization: AUTHORIZATION } : {});
}

describe('media cache request headers (device credentials for the fleet)', () => {
  const file = mediaFile(64 * 1024);
  let fleet: Origin;
  let elsewhere: Origin;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache | null = null;

  beforeEach(async () => {
    elsewhere = new Origin(() => ({ status: 200, body: file.data }));
    await elsewhere.start();
    fleet = new Origin((req) => {
      if (req.headers.authorization !== AUTHORIZATION) return { status: 401 };
      if (req.url === '/to-elsewhere') return { status: 302, location: `${elsewhere.url}/file` };
      return { status: 200, body: file.data };
    });
    await fleet.start();
    dir = await tempDir('headers');
    const fleetOrigin = new URL(fleet.url).origin;
    cache = createMediaCache({
      dir: dir.path,
      quotaBytes: 1024 * 1024,
      log: testLogger(),
      headers: credentialsFor(fleetOrigin),
    });
    await cache.start();
  });

  afterEach(async () => {
    await cache?.stop();
    cache = null;
    await Promise.all([fleet.stop(), elsewhere.stop()]);
    await dir.remove();
  });

  it('sends the configured headers, so a fleet that requires credentials serves the file', async () => {
    const status = await cache!.sync([refFor(file, `${fleet.url}/file`)]);
    expect(status.ready).toBe(true);
    expect(fleet.seen).toEqual([AUTHORIZATION]);
  });

  it('sends no credentials to another origin, neither directly nor after a redirect', async () => {
    expect((await cache!.sync([refFor(file, `${elsewhere.url}/file`)])).ready).toBe(true);
    await cache!.stop();
    await dir.remove();
    dir = await tempDir('headers');
    const fleetOrigin = new URL(fleet.url).origin;
    cache = createMediaCache({
      dir: dir.path,
      quotaBytes: 1024 * 1024,
      log: testLogger(),
      headers: credentialsFor(fleetOrigin),
    });
    await cache.start();
    expect((await cache.sync([refFor(file, `${fleet.url}/to-elsewhere`)])).ready).toBe(true);
    expect(fleet.seen).toEqual([AUTHORIZATION]);
    expect(elsewhere.seen).toEqual([undefined, undefined]);
  });
});
