import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, rootCertificates } from 'node:tls';

export interface HttpAnswer {
  status: number;
  ms: number;
  date: string | null;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

/** Why a connection failed, in the words a technician acts on: DNS, refused, timeout, TLS… */
export function classifyConnectError(error: unknown, host: string): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (DNS.has(code)) return `DNS: cannot resolve ${host}`;
  if (code === 'ECONNREFUSED') return `connection refused by ${host}`;
  if (code === 'ETIMEDOUT' || code === 'TIMEOUT') return `timed out reaching ${host} (firewall?)`;
  if (UNREACHABLE.has(code)) return `no route to ${host}`;
  if (code === 'ECONNRESET') return `connection reset by ${host} (proxy or firewall?)`;
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  ) {
    return `TLS: ${message} (is the fleet's CA certificate provisioned?)`.slice(0, 200);
  }
  return `${code ? `${code}: ` : ''}${message}`.slice(0, 200);
}

function timeoutError(ms: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`no answer within ${ms} ms`), { code: 'TIMEOUT' });
}

const withPrivateCa = (ca: string | undefined): string[] | undefined =>
  ca ? [...rootCertificates, ca] : undefined;

/** GET `url`; any HTTP answer resolves (the caller judges the status), a connection failure rejects. */
export function httpGet(url: URL, ca: string | undefined, timeoutMs: number): Promise<HttpAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method: 'GET', ca: withPrivateCa(ca), timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: performance.now() - started,
          date: res.headers.date ?? null,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(timeoutError(timeoutMs)));
    req.on('error', reject);
    req.end();
  });
}

/** Opens the broker's port (and, for mqtts, completes the TLS handshake), then closes it. */
export function brokerConnect(url: URL, ca: string | undefined, timeoutMs: number): Promise<number> {
  const tls = url.protocol === 'mqtts:';
  const port = Number(url.port || (tls ? 8883 : 1883));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? tlsConnect({ host, port, servername: isIp(host) ? undefined : host, ca: withPrivateCa(ca) })
      : netConnect({ host, port });
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(performance.now() - started);
    };
    const timer = setTimeout(() => done(timeoutError(timeoutMs)), timeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => done());
    socket.once('error', (error) => done(error));
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
