import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, queryString } from '../../../web/src/api/client.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records each call and answers from a script. */
function scriptedFetch(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const call = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
    };
    sent.push(call);
    return answer(call);
  }) as unknown as typeof fetch;
  return { sent, fetchFn };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('the dashboard API client', () => {
  it('sends the CSRF token with every change and never with a read', async () => {
    const { sent, fetchFn } = scriptedFetch(() => json(200, { ok: true }));
    const api = createApiClient({ fetch: fetchFn });
    api.setCsrfToken('csrf-1');
    await api.get('/api/v1/devices');
    await api.send('POST', '/api/v1/users', { username: 'lan' });
    await api.send('DELETE', '/api/v1/devices/x-1');
    expect(sent.map((call) => [call.method, call.headers['x-csrf-token']])).toEqual([
      ['GET', undefined],
      ['POST', 'csrf-1'],
      ['DELETE', 'csrf-1'],
    ]);
    expect(sent[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[1]!.body!)).toEqual({ username: 'lan' });
    expect(sent[2]!.body).toBeUndefined();
  });

  it('turns error answers into ApiError with the catalogue code and Retry-After', async () => {
    const { fetchFn } = scriptedFetch(() =>
      json(429, { error: { code: 'RATE_LIMITED', message: 'locked' } }, { 'retry-after': '840' }),
    );
    const error = await createApiClient({ fetch: fetchFn })
      .send('POST', '/api/v1/auth/login', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'locked', retryAfterSec: 840 });
  });

  it('signs out on a 401 of a signed-in call, but not on a wrong password', async () => {
    let ended = 0;
    const { fetchFn } = scriptedFetch(() => json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } }));
    const api = createApiClient({ fetch: fetchFn, onUnauthorized: () => (ended += 1) });
    await api.send('POST', '/api/v1/auth/login', {}).catch(() => undefined);
    await api.get('/api/v1/auth/session').catch(() => undefined);
    expect(ended).toBe(0);
    await api.get('/api/v1/devices').catch(() => undefined);
    expect(ended).toBe(1);
  });

  it('reports an unreachable fleet as status 0 and survives answers that are not JSON', async () => {
    const down = createApiClient({
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    expect(await down.get('/api/v1/me').catch((e: unknown) => e)).toMatchObject({
      status: 0,
      code: 'NETWORK',
    });
    const { fetchFn } = scriptedFetch(() => new Response('<html>proxy error</html>', { status: 502 }));
    const failure = await createApiClient({ fetch: fetchFn })
      .get('/api/v1/me')
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 502, code: 'HTTP_502', retryAfterSec: null });
    const empty = scriptedFetch(() => new Response(null, { status: 204 }));
    expect(
      await createApiClient({ fetch: empty.fetchFn }).send('POST', '/api/v1/auth/logout'),
    ).toBeUndefined();
  });
});

describe('queryString', () => {
  it('keeps only filled values, encoded', () => {
    expect(queryString({ a: 'x y', b: '', c: null, d: undefined, e: 0 })).toBe('?a=x+y&e=0');
    expect(queryString({})).toBe('');
  });
});
