import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  enrolmentRequestBodySchema,
  type EnrolmentRequestBody,
  type EnrolmentRequestCreated,
  type EnrolmentRequestStatus,
} from '@gatecast/protocol';

type Device = NonNullable<EnrolmentRequestStatus['device']>;

interface Request {
  created: EnrolmentRequestCreated;
  body: EnrolmentRequestBody;
  token: string;
  state: EnrolmentRequestStatus['state'];
  device: Device | null;
  delivered: boolean;
}

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * The fleet's two zero-touch routes, as protocol/src/provisioning.ts describes them, on a real
 * HTTP server: enough to drive the device side without the fleet manager.
 */
export async function startEnrolmentFleet(validTokens: string[]) {
  const tokens = new Set(validTokens);
  const requests: Request[] = [];
  const server = createServer((req, res) => void route(req, res));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const url = new URL(req.url ?? '/', 'http://fleet.invalid');
    if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (req.method === 'POST' && url.pathname === '/api/v1/enrolment/requests') {
      if (!tokens.has(bearer)) return refuse(res);
      const body = enrolmentRequestBodySchema.parse(JSON.parse(await readBody(req)));
      const created: EnrolmentRequestCreated = {
        requestId: `req-${randomBytes(6).toString('hex')}`,
        pairingCode: pairingCode(),
        pollToken: randomBytes(16).toString('hex'),
        pollAfterSec: 1,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      };
      requests.push({ created, body, token: bearer, state: 'pending', device: null, delivered: false });
      return send(res, 201, created);
    }
    const poll = /^\/api\/v1\/enrolment\/requests\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && poll) {
      const found = requests.find((r) => r.created.requestId === poll[1] && r.created.pollToken === bearer);
      if (!found) return refuse(res);
      const status: EnrolmentRequestStatus = { state: found.state };
      if (found.state === 'approved' && found.device && !found.delivered) {
        found.delivered = true;
        status.device = found.device;
      }
      return send(res, 200, status);
    }
    send(res, 404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const byCode = (code: string) => {
    const found = requests.find((r) => r.created.pairingCode === code);
    if (!found) throw new Error(`no request with code ${code}`);
    return found;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    revoke: (token: string) => tokens.delete(token),
    approve(code: string, device: Device) {
      Object.assign(byCode(code), { state: 'approved', device });
    },
    settle(code: string, state: 'refused' | 'expired') {
      byCode(code).state = state;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type EnrolmentFleet = Awaited<ReturnType<typeof startEnrolmentFleet>>;

function pairingCode(): string {
  const pick = () => ALPHABET[randomBytes(1)[0]! % ALPHABET.length];
  const half = () => Array.from({ length: 4 }, pick).join('');
  return `${half()}-${half()}`;
}

function refuse(res: ServerResponse): void {
  send(res, 403, {
    error: { code: 'ENROLMENT_REFUSED', message: 'The enrolment token is unknown, expired or revoked.' },
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
