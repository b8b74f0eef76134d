import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The security group's helpers (S10, S11, S12): a hostile artifact server, a webhook receiver and
// a scan for secrets in text.

/** How the artifact server answers one download. */
export type ServeMode =
  /** The body as it is, with its Content-Length. */
  | { kind: 'exact' }
  /** The body followed by `extra` bytes, chunked: no Content-Length warns the client. */
  | { kind: 'chunked-extra'; extra: number }
  /** The body followed by `extra` bytes, with a Content-Length that announces all of them. */
  | { kind: 'announced-extra'; extra: number }
  /** Only the first `bytes` of the body, with a Content-Length that says so. */
  | { kind: 'short'; bytes: number }
  /** A Content-Length for the whole body, then the connection cut after `bytes`. */
  | { kind: 'cut'; bytes: number };

const CHUNK = 64 * 1024;

/**
 * A real HTTP server on 127.0.0.1 serving one artifact as told, counting what it managed to hand
 * to the socket, so a test can tell what was offered from what the device kept.
 */
export class HostileArtifactServer {
  /** Bytes beyond the body that the server wrote into sockets, over all requests. */
  extraOffered = 0;
  requests = 0;
  private readonly server: Server;

  constructor(
    private body: Buffer,
    private mode: ServeMode = { kind: 'exact' },
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/v1/device/releases/artifact`;
  }

  serve(body: Buffer, mode: ServeMode): void {
    this.body = body;
    this.mode = mode;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests += 1;
    const { body, mode } = this;
    res.on('error', () => undefined);
    if (mode.kind === 'exact') {
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    } else if (mode.kind === 'short') {
      res.writeHead(200, { 'content-length': String(mode.bytes) }).end(body.subarray(0, mode.bytes));
    } else if (mode.kind === 'cut') {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, mode.bytes), () => res.socket?.destroy());
    } else {
      const headers =
        mode.kind === 'announced-extra' ? { 'content-length': String(body.length + mode.extra) } : {};
      res.writeHead(200, headers);
      await this.stream(res, Buffer.concat([body, Buffer.alloc(mode.extra, 0x41)]), body.length);
    }
  }

  /** Writes in chunks while the client reads; stops when it hangs up. */
  private async stream(res: ServerResponse, all: Buffer, bodyLength: number): Promise<void> {
    for (let at = 0; at < all.length && !res.destroyed; at += CHUNK) {
      const chunk = all.subarray(at, at + CHUNK);
      const written = await new Promise<boolean>((resolve) => res.write(chunk, (error) => resolve(!error)));
      if (!written) return;
      this.extraOffered += Math.max(0, at + chunk.length - Math.max(bodyLength, at));
    }
    if (!res.destroyed) res.end();
  }
}

/** Every occurrence of any of the secrets in the text, by label. */
export function secretsIn(text: string, secrets: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [label, secret] of secrets) if (secret.length >= 8 && text.includes(secret)) found.push(label);
  return found;
}

/** One request a webhook receiver took: everything a secret could hide in. */
export interface ReceivedHook {
  method: string;
  url: string;
  headers: string;
  body: string;
}

/** A real HTTP endpoint for alert channels: answers 200 and keeps every request. */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: JSON.stringify(req.headers),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/gatecast`;
  }

  text(): string {
    return this.received
      .map((hook) => `${hook.method} ${hook.url}\n${hook.headers}\n${hook.body}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What a scan found: the kind, the file, and a short excerpt (never the whole secret). */
export interface Finding {
  kind: 'private key' | 'token' | 'password' | 'cdp port';
  file: string;
  excerpt: string;
}

/** A PEM private key block with a base64 body: a parser's marker string alone is not a key. */
const PEM_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----\r?\n(?:[A-Za-z-]+: [^\n]*\r?\n)*(?:\r?\n)?[A-Za-z0-9+/=\r\n]{64,}-----END \1-----/g;
/** Token shapes: gatecast's own API and enrolment tokens, JWTs, and common cloud and chat keys. */
const TOKENS = [
  /\bgct_[A-Za-z0-9_-]{20,}/g,
  /\bgce_[A-Za-z0-9_-]{20,}/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g,
];
/** A password hash as /etc/shadow holds it (a usable account), wherever it appears. */
const SHADOW_HASH = /^[a-z_][a-z0-9_-]*:\$(?:1|2[aby]|5|6|y|gy|7)\$[^:\n]+:/gm;
/** A password set by a build or config: chpasswd, or -p/--password with anything but a lock. */
const PASSWORD_SET = [
  /\bchpasswd\b/g,
  /\b(?:useradd|usermod)\b[^\n]*\s(?:-p|--password)\s+['"]?(?![!*]['"\s])[^\s'"]+/g,
  /^\s*(?:password|passwd|psk|secret|token|api[_-]?key)\s*[=:]\s*['"]?[^\s'"#]{4,}/gim,
];
const CDP_PORT = /--remote-debugging-(?:port|address)|remoteDebuggingPort/g;

export interface ScanRules {
  /** Also look for password assignments: configs and scripts, not library code. */
  passwords: boolean;
  /** Also look for a CDP port on a command line. */
  cdp: boolean;
  /** Secrets known to the run: each found verbatim is a token finding. */
  known?: ReadonlyMap<string, string>;
}

export function scanText(file: string, text: string, rules: ScanRules): Finding[] {
  const findings: Finding[] = [];
  const add = (kind: Finding['kind'], pattern: RegExp) => {
    for (const match of text.matchAll(pattern)) findings.push({ kind, file, excerpt: match[0].slice(0, 40) });
  };
  add('private key', PEM_KEY);
  for (const pattern of TOKENS) add('token', pattern);
  add('password', SHADOW_HASH);
  if (rules.passwords) for (const pattern of PASSWORD_SET) add('password', pattern);
  if (rules.cdp) add('cdp port', CDP_PORT);
  for (const label of secretsIn(text, rules.known ?? new Map())) {
    findings.push({ kind: 'token', file, excerpt: `the run's ${label}` });
  }
  return findings;
}
