/** An API answer outside 2xx, with the catalogue code from `{ error: { code, message } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds from a `Retry-After` header (login lockout), when given. */
  readonly retryAfterSec: number | null;

  constructor(status: number, code: string, message: string, retryAfterSec: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSec = retryAfterSec;
  }
}

export type ChangeMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: ChangeMethod, path: string, body?: unknown): Promise<T>;
  /** The session's CSRF token, sent as `x-csrf-token` on every change. */
  setCsrfToken(token: string | null): void;
}

export interface ApiClientOptions {
  fetch?: typeof fetch;
  /** Called when a signed-in call answers 401: the session ended elsewhere or expired. */
  onUnauthorized?: () => void;
}

/** Routes whose 401 means "wrong credentials", not "your session is gone". */
const AUTH_PROBES = ['/api/v1/auth/login', '/api/v1/auth/session', '/api/v1/auth/password'];

/** Same-origin JSON over fetch; the session cookie travels by itself. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let csrfToken: string | null = null;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
    let response: Response;
    try {
      response = await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', (error as Error).message);
    }
    const payload = await readJson(response);
    if (response.ok) return payload as T;
    const failure = toApiError(response, payload);
    if (failure.status === 401 && !AUTH_PROBES.includes(path)) options.onUnauthorized?.();
    throw failure;
  }

  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    setCsrfToken: (token) => {
      csrfToken = token;
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function toApiError(response: Pick<Response, 'status' | 'headers'>, payload: unknown): ApiError {
  const error = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  const header = response.headers.get('retry-after');
  const retryAfter = header === null || header.trim() === '' ? NaN : Number(header);
  return new ApiError(response.status, code, message, Number.isFinite(retryAfter) ? retryAfter : null);
}

/** Query string from the defined, non-empty values only. */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
