import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { parseRange } from './http-range.js';
import { safeEntryPath } from './package-paths.js';
import type { PagePlan } from './page-plan.js';
import { qrLanguageOf, qrLinkOf, sendLinkQr, sendTravellerQr, TravellerQrCodes } from './qr-code.js';
import { closeServer, listenOnLoopback } from '../lib/loopback-server.js';

/** device/player-ui, from src/player and dist/player alike. */
export const PLAYER_UI_DIR = fileURLToPath(new URL('../../player-ui/', import.meta.url));
/** device/kiosk-ui: the lookup kiosk's touch app and the page renderer counter screens share. */
export const KIOSK_UI_DIR = fileURLToPath(new URL('../../kiosk-ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Packages run their own scripts, but in an opaque origin that can reach nothing. */
const PACKAGE_CSP =
  "sandbox allow-scripts; default-src 'self' 'unsafe-inline' data: blob:; connect-src 'none'; " +
  "form-action 'none'; frame-ancestors 'self'";

export interface PlayerServerOptions {
  port: number;
  /** Origins web items may show; they are the only frames besides the player's own. */
  webOrigins: () => readonly string[];
  mediaPath(sha256: string): string | null;
  /** The unpacked folder of a package, or null. */
  packageDir(sha256: string): string | null;
  log: Logger;
  uiDir?: string;
  kioskDir?: string;
}

/** The player page, its plan and the cached files, on 127.0.0.1 only: nothing needs the network. */
export class PlayerServer {
  private server: Server | null = null;
  private plan: PagePlan | null = null;
  private readonly log: Logger;
  private readonly uiDir: string;
  private readonly kioskDir: string;
  private readonly qrCodes = new TravellerQrCodes();

  constructor(private readonly options: PlayerServerOptions) {
    this.log = options.log.child({ mod: 'player-server' });
    this.uiDir = options.uiDir ?? PLAYER_UI_DIR;
    this.kioskDir = options.kioskDir ?? KIOSK_UI_DIR;
  }

  get origin(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the player server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  setPlan(plan: PagePlan): void {
    this.plan = plan;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        this.log.warn({ url: request.url, err: (error as Error).message }, 'player request failed');
        if (!response.headersSent) send(response, 500, 'internal error');
        else response.destroy();
      });
    });
    await listenOnLoopback(server, this.options.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await closeServer(server);
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'method not allowed');
    const path = decodePath(request.url ?? '/');
    if (path === null) return send(response, 400, 'bad path');
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    if (path === '/' || path === '/index.html') return this.sendUi(response, 'index.html');
    if (path === '/plan') return this.sendPlan(response);
    const ui = /^\/ui\/([a-z0-9-]+\.(?:js|css))$/.exec(path);
    if (ui?.[1]) return this.sendUi(response, ui[1]);
    const kiosk = /^\/kiosk\/([a-z0-9-]+\.(?:js|css))$/.exec(path);
    if (kiosk?.[1]) return this.sendUi(response, kiosk[1], this.kioskDir);
    const qrLink = qrLinkOf(path, new URL(request.url ?? '/', 'http://localhost').search);
    if (qrLink) return sendLinkQr(response, qrLink);
    const qrLanguage = qrLanguageOf(path);
    if (qrLanguage) return sendTravellerQr(response, this.qrCodes, this.plan, qrLanguage);
    const media = /^\/media\/([a-f0-9]{64})$/.exec(path);
    if (media?.[1]) return this.sendMedia(request, response, media[1]);
    const pkg = /^\/packages\/([a-f0-9]{64})\/(.+)$/.exec(path);
    if (pkg?.[1] && pkg[2]) return this.sendPackageFile(request, response, pkg[1], pkg[2]);
    send(response, 404, 'not found');
  }

  private async sendUi(response: ServerResponse, name: string, dir = this.uiDir): Promise<void> {
    const body = await readFile(join(dir, name)).catch(() => null);
    if (body === null) return send(response, 404, 'not found');
    if (name.endsWith('.html')) response.setHeader('content-security-policy', this.pageCsp());
    response.writeHead(200, {
      'content-type': TYPES[extname(name)] ?? 'text/plain',
      'cache-control': 'no-cache',
    });
    response.end(body);
  }

  private sendPlan(response: ServerResponse): void {
    if (!this.plan) return send(response, 503, 'no plan yet');
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(this.plan));
  }

  private async sendMedia(request: IncomingMessage, response: ServerResponse, sha256: string): Promise<void> {
    const file = this.options.mediaPath(sha256);
    if (file === null) return send(response, 404, 'not cached');
    // Content-addressed: the type is sniffed by the browser's media stack, never executed.
    await sendFile(
      request,
      response,
      file,
      'application/octet-stream',
      'public, max-age=31536000, immutable',
    );
  }

  private async sendPackageFile(
    request: IncomingMessage,
    response: ServerResponse,
    sha256: string,
    relative: string,
  ): Promise<void> {
    const dir = this.options.packageDir(sha256);
    const safe = safeEntryPath(relative);
    if (dir === null || safe === null) return send(response, 404, 'not found');
    response.setHeader('content-security-policy', PACKAGE_CSP);
    const type = TYPES[extname(safe).toLowerCase()] ?? 'application/octet-stream';
    await sendFile(request, response, join(dir, safe), type, 'no-cache');
  }

  private pageCsp(): string {
    const frames = ["'self'", ...this.options.webOrigins()].join(' ');
    return [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "media-src 'self'",
      "font-src 'self'",
      "connect-src 'self'",
      `frame-src ${frames}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
  }
}

async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  type: string,
  cacheControl: string,
): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return send(response, 404, 'not found');
  const range = parseRange(request.headers.range, info.size);
  const headers = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': cacheControl };
  if (range === 'unsatisfiable') {
    response.writeHead(416, { ...headers, 'content-range': `bytes */${info.size}` });
    return void response.end();
  }
  const { start, end } = range ?? { start: 0, end: info.size - 1 };
  const length = info.size === 0 ? 0 : end - start + 1;
  response.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': String(length),
    ...(range ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}),
  });
  if (request.method === 'HEAD' || length === 0) return void response.end();
  const stream = createReadStream(file, { start, end });
  stream.on('error', () => response.destroy());
  response.on('close', () => stream.destroy());
  stream.pipe(response);
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

function decodePath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://player.invalid').pathname);
  } catch {
    return null;
  }
}
