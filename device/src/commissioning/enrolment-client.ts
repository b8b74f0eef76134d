import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  ERROR_CODE_NAMES,
  GatecastError,
  enrolmentRequestCreatedSchema,
  enrolmentRequestStatusSchema,
  type EnrolmentRequestBody,
  type EnrolmentRequestCreated,
  type EnrolmentRequestStatus,
  type ErrorCode,
} from '@gatecast/protocol';
import type { z } from 'zod';

export interface EnrolmentEndpoint {
  fleetUrl: string;
  /** The fleet's private CA (PEM file), for https with a certificate no public CA signed. */
  caFile?: string;
  timeoutMs?: number;
}

/** The device side of the two zero-touch routes (protocol/src/provisioning.ts). */
export interface EnrolmentApi {
  createRequest(token: string, body: EnrolmentRequestBody): Promise<EnrolmentRequestCreated>;
  pollRequest(requestId: string, pollToken: string): Promise<EnrolmentRequestStatus>;
  /** Any HTTP answer from the fleet; false when it cannot be reached at all. */
  reachable(): Promise<boolean>;
}

export function enrolmentApi(endpoint: EnrolmentEndpoint): EnrolmentApi {
  const call = <T>(
    method: string,
    path: string,
    bearer: string | null,
    body: unknown,
    schema: z.ZodType<T>,
  ) =>
    callJson(endpoint, method, path, bearer, body).then(({ status, json }) => {
      if (status < 200 || status >= 300) throw fleetError(status, json);
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new GatecastError('UNAVAILABLE', `the fleet answered ${path} with an unexpected body`);
      return parsed.data;
    });
  return {
    createRequest: (token, body) =>
      call('POST', '/api/v1/enrolment/requests', token, body, enrolmentRequestCreatedSchema),
    pollRequest: (requestId, pollToken) =>
      call(
        'GET',
        `/api/v1/enrolment/requests/${encodeURIComponent(requestId)}`,
        pollToken,
        undefined,
        enrolmentRequestStatusSchema,
      ),
    reachable: () =>
      callJson(endpoint, 'GET', '/healthz', null, undefined).then(
        () => true,
        () => false,
      ),
  };
}

async function callJson(
  endpoint: EnrolmentEndpoint,
  method: string,
  path: string,
  bearer: string | null,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  // Appended, not resolved: a fleet behind a proxy may live under a path.
  const url = new URL(`${endpoint.fleetUrl.replace(/\/+$/, '')}${path}`);
  const ca = endpoint.caFile === undefined ? undefined : await readFile(endpoint.caFile, 'utf8');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (payload)
    Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(payload.length) });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, timeout: endpoint.timeoutMs ?? 15_000, ...(ca ? { ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new GatecastError(
          'UNAVAILABLE',
          `fleet unreachable at ${url.origin}: ${error.code ?? error.message}`,
        ),
      ),
    );
    req.end(payload);
  });
}

/** The fleet's `{ error: { code, message } }` as a GatecastError; a 401/403 without a code is a refusal. */
function fleetError(status: number, answer: unknown): GatecastError {
  const error = (answer as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  if (isErrorCode(error?.code)) return new GatecastError(error.code, message);
  return new GatecastError(status === 401 || status === 403 ? 'ENROLMENT_REFUSED' : 'UNAVAILABLE', message);
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODE_NAMES as readonly string[]).includes(value);
}
