import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import {
  assertUrlAllowed,
  isUrlAllowed,
  normaliseAllowList,
  parseAllowListEntry,
} from '../../../src/library/url-allow-list.js';

const LIST = ['https://www.haiphong.gov.vn', 'https://*.vietnamtourism.gov.vn', 'http://kiosk.local:8080'];

describe('isUrlAllowed', () => {
  it.each([
    'https://www.haiphong.gov.vn/',
    'https://www.haiphong.gov.vn/tin-tuc?id=3#top',
    'HTTPS://WWW.HAIPHONG.GOV.VN/page',
    'https://www.haiphong.gov.vn./page',
    'https://www.haiphong.gov.vn:443/page',
    'https://en.vietnamtourism.gov.vn/index.php',
    'https://a.b.vietnamtourism.gov.vn/',
    'http://kiosk.local:8080/board',
  ])('allows %s', (url) => {
    expect(isUrlAllowed(url, LIST)).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example/'],
    ['a lookalike suffix', 'https://www.haiphong.gov.vn.evil.example/'],
    ['a lookalike prefix', 'https://evilwww.haiphong.gov.vn/'],
    ['userinfo naming the allowed host', 'https://www.haiphong.gov.vn@evil.example/'],
    ['userinfo on the allowed host', 'https://user:pass@www.haiphong.gov.vn/'],
    ['the other scheme', 'http://www.haiphong.gov.vn/'],
    ['another port', 'https://www.haiphong.gov.vn:8443/'],
    ['the bare domain of a wildcard', 'https://vietnamtourism.gov.vn/'],
    ['a wildcard lookalike', 'https://evilvietnamtourism.gov.vn/'],
    ['javascript:', 'javascript:alert(1)//https://www.haiphong.gov.vn'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['file:', 'file:///etc/passwd'],
    ['ftp:', 'ftp://www.haiphong.gov.vn/'],
    ['a backslash trick', 'https://evil.example\\@www.haiphong.gov.vn/'],
    ['an encoded host', 'https://www%2ehaiphong%2egov%2evn.evil.example/'],
    ['a protocol-relative URL', '//www.haiphong.gov.vn/'],
    ['not a URL', 'www.haiphong.gov.vn'],
    ['an IDN lookalike (Cyrillic а)', 'https://www.hаiphong.gov.vn/'],
    ['the default port of another entry', 'http://kiosk.local/'],
  ])('refuses %s', (_why, url) => {
    expect(isUrlAllowed(url, LIST)).toBe(false);
  });

  it('allows nothing with an empty list', () => {
    expect(isUrlAllowed('https://www.haiphong.gov.vn/', [])).toBe(false);
  });

  it('explains a refusal with CONTENT_REFUSED naming the gate', () => {
    expect(() => assertUrlAllowed('https://evil.example/', LIST, 'cat-bi-airport')).toThrow(
      expect.objectContaining({
        code: 'CONTENT_REFUSED',
        message: expect.stringContaining('cat-bi-airport'),
      }),
    );
  });
});

describe('allow-list entries', () => {
  it('normalises case, default ports and trailing slashes, and drops duplicates', () => {
    expect(
      normaliseAllowList([
        'HTTPS://WWW.HaiPhong.gov.vn/',
        'https://www.haiphong.gov.vn:443',
        'http://a.vn:8080',
      ]),
    ).toEqual(['https://www.haiphong.gov.vn', 'http://a.vn:8080']);
  });

  it.each([
    'www.haiphong.gov.vn',
    'https://www.haiphong.gov.vn/path',
    'https://user@www.haiphong.gov.vn',
    'ftp://www.haiphong.gov.vn',
    'https://*.vn',
    'https://*',
    'https://www.*.gov.vn',
    'https://-bad-.gov.vn',
    'https://a.vn:70000',
    'javascript:alert(1)',
  ])('refuses the entry %s with BAD_REQUEST', (entry) => {
    expect(() => parseAllowListEntry(entry)).toThrow(GatecastError);
    expect(() => parseAllowListEntry(entry)).toThrow(/web allow-list entry/);
  });
});
