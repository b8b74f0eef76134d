import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

/** Flags beat environment; the local admin-token file lets an operator on the fleet machine skip setup. */
export function resolveTarget(options: GlobalOptions, io: CliIo): ApiTarget {
  const url = (options.url ?? io.env.GATECAST_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const token = options.token ?? io.env.GATECAST_TOKEN ?? readLocalToken(io);
  if (!token) {
    const file = localTokenPath(io);
    throw new CliError(`no API token: set GATECAST_TOKEN or --token, or run where ${file} is readable`, 3);
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

/** One HTTP call to the fleet API; every failure becomes a one-line CliError. */
export async function callApi<T>(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach the fleet manager at ${target.url} (${describeFetchError(error)})`, 4);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = parseJson(text);
  if (!response.ok) {
    const { code, message } = (parsed as ErrorBody | undefined)?.error ?? {};
    throw new CliError(
      `${code ?? `HTTP ${response.status}`}: ${message ?? (text.slice(0, 200) || 'no details')}`,
    );
  }
  if (parsed === undefined)
    throw new CliError(`the fleet manager sent an unreadable answer to ${method} ${path}`);
  return parsed as T;
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
