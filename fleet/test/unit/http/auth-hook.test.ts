import { describe, expect, it } from 'vitest';
import { bearerToken, isPublicRoute } from '../../../src/http/auth-hook.js';

describe('bearerToken', () => {
  it('takes the token from a Bearer header, any case of the scheme', () => {
    expect(bearerToken('Bearer gct_abc')).toBe('gct_abc');
    expect(bearerToken('bearer gct_abc')).toBe('gct_abc');
  });

  it.each([
    undefined,
    '',
    'gct_abc',
    'Basic dXNlcjpwYXNz',
    'Bearer ',
    'Bearer a b',
    `Bearer ${'x'.repeat(257)}`,
  ])('finds no token in %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});

describe('isPublicRoute', () => {
  it('lets only health and the OpenAPI document through, by method and route', () => {
    expect(isPublicRoute('GET', '/healthz')).toBe(true);
    expect(isPublicRoute('GET', '/api/v1/openapi.json')).toBe(true);
    expect(isPublicRoute('POST', '/healthz')).toBe(false);
    expect(isPublicRoute('GET', '/metrics')).toBe(false);
    expect(isPublicRoute('GET', '/api/v1/gates')).toBe(false);
  });

  it('treats an unmatched URL as protected', () => {
    expect(isPublicRoute('GET', undefined)).toBe(false);
  });
});
