import type { HttpRequestSpec } from './formats/http-request-spec.js';

/** What came back from one attempt; no status when the request never got an answer. */
export interface SendOutcome {
  status: number | null;
  error: string | null;
  /** From a Retry-After header (seconds or an HTTP date), when the service sent one. */
  retryAfterMs: number | null;
}

export type FetchFunction = typeof fetch;

/** Sends one request with a timeout; never throws. The response body is read only to explain a failure. */
export async function sendRequest(
  spec: HttpRequestSpec,
  options: { timeoutMs: number; signal?: AbortSignal; fetch?: FetchFunction; now?: () => Date },
): Promise<SendOutcome> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(spec.url, {
      method: spec.method,
      headers: spec.headers,
      body: bodyOf(spec),
      redirect: 'manual',
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
        : AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text().catch(() => '');
    if (response.ok) return { status: response.status, error: null, retryAfterMs: null };
    return {
      status: response.status,
      error: `HTTP ${response.status}${text ? `: ${oneLine(text).slice(0, 200)}` : ''}`,
      retryAfterMs: parseRetryAfter(
        response.headers.get('retry-after'),
        (options.now ?? (() => new Date()))(),
      ),
    };
  } catch (error) {
    return { status: null, error: describeFailure(error, options.timeoutMs), retryAfterMs: null };
  }
}

function bodyOf(spec: HttpRequestSpec): string | FormData {
  if (spec.body.kind === 'json') return spec.body.text;
  const form = new FormData();
  for (const [name, value] of Object.entries(spec.body.fields)) form.append(name, value);
  const { file } = spec.body;
  form.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.filename);
  return form;
}

/** Seconds ("120") or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as Error).name;
  if (name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (name === 'AbortError') return 'cut short: the fleet manager stopped';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return oneLine(cause?.code ?? cause?.message ?? (error as Error).message ?? String(error));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
