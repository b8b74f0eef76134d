import { describe, expect, it } from 'vitest';
import {
  allowedBeforePasswordChange,
  bearerToken,
  isPublicRequest,
  isPublicRoute,
  readSessionCookie,
  sessionCookieOptions,
} from '../../../src/http/auth-hook.js';

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
  it('lets only health, the OpenAPI document and sign-in through, by method and route', () => {
    expect(isPublicRoute('GET', '/healthz')).toBe(true);
    expect(isPublicRoute('GET', '/api/v1/openapi.json')).toBe(true);
    expect(isPublicRoute('POST', '/api/v1/auth/login')).toBe(true);
    expect(isPublicRoute('POST', '/api/v1/auth/logout')).toBe(false);
    expect(isPublicRoute('POST', '/healthz')).toBe(false);
    expect(isPublicRoute('GET', '/metrics')).toBe(false);
    expect(isPublicRoute('GET', '/api/v1/gates')).toBe(false);
  });

  it('treats an unmatched URL as protected', () => {
    expect(isPublicRoute('GET', undefined)).toBe(false);
  });
});

describe('isPublicRequest', () => {
  it("serves the dashboard's files and pages (GETs outside /api/ and /metrics) to anyone", () => {
    expect(isPublicRequest('GET', '/', '/')).toBe(true);
    expect(isPublicRequest('GET', '/assets/*', '/assets/index-1a2b.js')).toBe(true);
    expect(isPublicRequest('GET', undefined, '/devices/cat-bi-1?tab=health')).toBe(true);
  });

  it('protects every other method outside the list, and everything under /api/ and /metrics', () => {
    expect(isPublicRequest('POST', '/', '/')).toBe(false);
    expect(isPublicRequest('GET', '/api/v1/gates', '/api/v1/gates')).toBe(false);
    expect(isPublicRequest('GET', undefined, '/api/v1/nothing')).toBe(false);
    expect(isPublicRequest('GET', undefined, '/api')).toBe(false);
    expect(isPublicRequest('GET', '/metrics', '/metrics')).toBe(false);
  });

  it('is not fooled by a catch-all route, an encoded path or another case', () => {
    expect(isPublicRequest('GET', '/*', '/api/v1/users')).toBe(false);
    expect(isPublicRequest('GET', '/api/v1/gates', '/%61pi/v1/gates')).toBe(false);
    expect(isPublicRequest('GET', undefined, '/%61pi/v1/gates')).toBe(false);
    expect(isPublicRequest('GET', undefined, '/API/v1/gates')).toBe(false);
    expect(isPublicRequest('GET', undefined, '/%E0%A4%A')).toBe(false);
  });
});

describe('allowedBeforePasswordChange', () => {
  it('lets a session reach only sign-in matters and /me until the password is changed', () => {
    expect(allowedBeforePasswordChange('POST', '/api/v1/auth/password')).toBe(true);
    expect(allowedBeforePasswordChange('POST', '/api/v1/auth/logout')).toBe(true);
    expect(allowedBeforePasswordChange('GET', '/api/v1/auth/session')).toBe(true);
    expect(allowedBeforePasswordChange('GET', '/api/v1/me')).toBe(true);
    expect(allowedBeforePasswordChange('GET', '/api/v1/gates')).toBe(false);
    expect(allowedBeforePasswordChange('POST', '/api/v1/tokens')).toBe(false);
    expect(allowedBeforePasswordChange('GET', undefined)).toBe(false);
  });
});

describe('readSessionCookie', () => {
  it('finds the session among other cookies, and nothing in an empty one', () => {
    expect(readSessionCookie('theme=dark; gatecast_session=abc123; lang=vi')).toBe('abc123');
    expect(readSessionCookie('gatecast_session=')).toBeUndefined();
    expect(readSessionCookie('theme=dark')).toBeUndefined();
    expect(readSessionCookie(undefined)).toBeUndefined();
  });
});

describe('sessionCookieOptions', () => {
  it('is httpOnly, SameSite=Strict on the whole site, and Secure when the request came over https', () => {
    expect(sessionCookieOptions('http')).toEqual({
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: false,
    });
    expect(sessionCookieOptions('https').secure).toBe(true);
  });
});
