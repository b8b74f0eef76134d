import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCredentials } from './credentials-file.js';
import { CliError, type CliIo } from './io.js';

export interface ApiTarget {
  url: string;
  token: string;
}

export interface GlobalOptions {
  url?: string;
  token?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * Flags beat environment beat `gatecast login`'s saved credentials; the local admin-token file
 * lets an operator on the fleet machine itself skip setup.
 */
export function resolveTarget(options: GlobalOptions, io: CliIo): ApiTarget {
  const saved = readCredentials(io);
  const chosenUrl = options.url ?? io.env.GATECAST_URL;
  const url = (chosenUrl ?? saved?.url ?? DEFAULT_URL).replace(/\/+$/, '');
  const savedToken = saved && saved.url.replace(/\/+$/, '') === url ? saved.token : undefined;
  const token = options.token ?? io.env.GATECAST_TOKEN ?? savedToken ?? readLocalToken(io);
  if (!token) {
    const file = localTokenPath(io);
    throw new CliError(
      `no API token: run \`gatecast login\`, set GATECAST_TOKEN, or run where ${file} is readable`,
      3,
    );
  }
  return { url, token };
}

function localTokenPath(io: CliIo): string {
  return resolve(io.cwd, io.env.GATECAST_DATA_DIR ?? './data', 'admin-token');
}

function readLocalToken(io: CliIo): string | undefined {
  try {
    return readFileSync(localTokenPath(io), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** One HTTP call to the fleet API with a bearer token; every failure becomes a one-line CliError. */
export async function callApi<T>(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await sendRequest(
    target.url,
    method,
    path,
    { authorization: `Bearer ${target.token}` },
    body,
  );
  if (response.status === 204) return undefined as T;
  const parsed = parseJson(await response.text());
  if (parsed === undefined)
    throw new CliError(`the fleet manager sent an unreadable answer to ${method} ${path}`);
  return parsed as T;
}

/** Sends one request; network failures and error answers become CliErrors with the API's own code. */
export async function sendRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach the fleet manager at ${url} (${describeFetchError(error)})`, 4);
  }
  if (response.ok) return response;
  const text = await response.text();
  const { code, message } = (parseJson(text) as ErrorBody | undefined)?.error ?? {};
  const exitCode = response.status === 401 ? 3 : 1;
  throw new CliError(
    `${code ?? `HTTP ${response.status}`}: ${message ?? (text.slice(0, 200) || 'no details')}`,
    exitCode,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused; is `gatecast serve` running?';
  if ((error as Error).name === 'TimeoutError') return 'no answer within 30 s';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
