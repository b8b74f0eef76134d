import { describe, expect, it } from 'vitest';
import { bodyLength, parseResponseHead, requestHead } from '../../../src/media/http-head.js';

const head = (text: string) => parseResponseHead(text)!;

describe('response head', () => {
  it('reads the status and lowercase headers, joining repeated ones', () => {
    const parsed = head('HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\nVia: a\r\nvia:  b ');
    expect(parsed.status).toBe(206);
    expect(Object.fromEntries(parsed.headers)).toEqual({ 'content-length': '10', via: 'a, b' });
  });

  it('refuses what is not an HTTP/1.x head', () => {
    expect(parseResponseHead('HTTP/2 200\r\n')).toBeNull();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nno colon here')).toBeNull();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nbad name: x')).toBeNull();
  });

  it('knows where the body ends, and which bodies it cannot decode', () => {
    expect(bodyLength(head('HTTP/1.1 200 OK\r\nContent-Length: 1024'))).toBe(1024);
    expect(bodyLength(head('HTTP/1.1 200 OK'))).toBe('close');
    expect(bodyLength(head('HTTP/1.1 304 Not Modified'))).toBe(0);
    expect(bodyLength(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked'))).toBe('unsupported');
    expect(bodyLength(head('HTTP/1.1 200 OK\r\nContent-Length: 5, 5'))).toBe('unsupported');
    expect(bodyLength(head('HTTP/1.1 200 OK\r\nContent-Length: -1'))).toBe('unsupported');
  });
});

describe('request head', () => {
  it('asks for the path and query with the host and a closing connection', () => {
    const text = requestHead(new URL('http://fleet.local:8080/media/a.mp4?v=2'), { range: 'bytes=5-' });
    expect(text).toBe(
      'GET /media/a.mp4?v=2 HTTP/1.1\r\nHost: fleet.local:8080\r\nrange: bytes=5-\r\nConnection: close\r\n\r\n',
    );
  });

  it('turns credentials in the URL into Basic auth unless a header is given', () => {
    const url = new URL('http://screen%201:s%3Acret@fleet.local/a');
    expect(requestHead(url, {})).toContain(
      `Authorization: Basic ${Buffer.from('screen 1:s:cret').toString('base64')}\r\n`,
    );
    expect(requestHead(url, { Authorization: 'Bearer t' })).not.toContain('Basic');
  });

  it('refuses a header that would add a line to the request', () => {
    const url = new URL('http://fleet.local/a');
    expect(() => requestHead(url, { authorization: 'Bearer x\r\nX-Evil: 1' })).toThrow(
      /invalid request header/,
    );
    expect(() => requestHead(url, { 'bad name': 'x' })).toThrow(/invalid request header/);
  });
});
