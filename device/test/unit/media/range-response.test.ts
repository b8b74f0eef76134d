import { describe, expect, it } from 'vitest';
import {
  ifRangeValue,
  parseContentRange,
  planResponse,
  requestHeaders,
  validatorOf,
  type ResponseFacts,
} from '../../../src/media/range-response.js';

const SIZE = 1000;
const facts = (overrides: Partial<ResponseFacts>): ResponseFacts => ({
  status: 200,
  contentRange: null,
  contentLength: String(SIZE),
  have: 0,
  sizeBytes: SIZE,
  ...overrides,
});

describe('resume request headers', () => {
  it('asks for the whole file, uncompressed, when nothing is on disk', () => {
    expect(requestHeaders(0, { etag: '"v1"' })).toEqual({ 'accept-encoding': 'identity' });
  });

  it('asks for the rest with If-Range on a strong ETag', () => {
    expect(requestHeaders(300, { etag: '"v1"', lastModified: 'Fri, 20 Nov 2026 08:00:00 GMT' })).toEqual({
      'accept-encoding': 'identity',
      range: 'bytes=300-',
      'if-range': '"v1"',
    });
  });

  it('uses Last-Modified for If-Range when the ETag is weak, and sends no If-Range without a validator', () => {
    expect(ifRangeValue({ etag: 'W/"v1"', lastModified: 'Fri, 20 Nov 2026 08:00:00 GMT' })).toBe(
      'Fri, 20 Nov 2026 08:00:00 GMT',
    );
    expect(ifRangeValue({ etag: 'W/"v1"' })).toBeUndefined();
    expect(requestHeaders(300, {})).toEqual({ 'accept-encoding': 'identity', range: 'bytes=300-' });
  });

  it('reads the validator from response headers', () => {
    const headers = new Headers({ etag: '"v2"' });
    expect(validatorOf((name) => headers.get(name))).toEqual({ etag: '"v2"' });
    expect(validatorOf(() => null)).toEqual({});
  });
});

describe('Content-Range parsing', () => {
  it('accepts a well-formed range, with a known or unknown total', () => {
    expect(parseContentRange('bytes 300-999/1000')).toEqual({ start: 300, end: 999, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
  });

  it('rejects malformed and impossible ranges', () => {
    for (const value of [
      null,
      '',
      'bytes */1000',
      'bytes 9-3/1000',
      'bytes 0-1000/1000',
      'items 0-1/2',
      'bytes -1-3/4',
    ]) {
      expect(parseContentRange(value)).toBeNull();
    }
  });
});

describe('what a response means for the partial file', () => {
  it('200: replaces the partial file, whatever was asked (the server ignored the range or the file changed)', () => {
    expect(planResponse(facts({ status: 200, have: 0 }))).toEqual({ action: 'truncate' });
    expect(planResponse(facts({ status: 200, have: 300 }))).toEqual({ action: 'truncate' });
    expect(planResponse(facts({ status: 200, contentLength: null }))).toEqual({ action: 'truncate' });
  });

  it('200 announcing another size: fails before reading a byte', () => {
    expect(planResponse(facts({ contentLength: '1001' }))).toMatchObject({
      action: 'fail',
      failure: { kind: 'tooLarge', code: 'MEDIA_TOO_LARGE' },
    });
    expect(planResponse(facts({ contentLength: '999' }))).toMatchObject({
      action: 'fail',
      failure: { kind: 'hashMismatch', code: 'MEDIA_INVALID' },
    });
  });

  it('206 continuing exactly at the bytes on disk: appends', () => {
    const plan = planResponse(
      facts({ status: 206, have: 300, contentRange: 'bytes 300-999/1000', contentLength: '700' }),
    );
    expect(plan).toEqual({ action: 'append' });
  });

  it('206 that does not continue what is on disk: starts over', () => {
    const wrong = [
      { contentRange: 'bytes 0-999/1000', contentLength: '1000' },
      { contentRange: 'bytes 301-999/1000', contentLength: '699' },
      { contentRange: 'bytes 300-1199/1200', contentLength: '900' },
      { contentRange: 'bytes 300-999/1000', contentLength: '10' },
      { contentRange: null, contentLength: '700' },
    ];
    for (const overrides of wrong) {
      expect(planResponse(facts({ status: 206, have: 300, ...overrides })).action).toBe('refetch');
    }
  });

  it('416 for a partial file: starts over; other statuses fail with a catalogue code', () => {
    expect(planResponse(facts({ status: 416, have: 300 })).action).toBe('refetch');
    expect(planResponse(facts({ status: 404 }))).toMatchObject({ failure: { code: 'NOT_FOUND' } });
    expect(planResponse(facts({ status: 410 }))).toMatchObject({ failure: { code: 'NOT_FOUND' } });
    expect(planResponse(facts({ status: 503 }))).toMatchObject({
      failure: { kind: 'network', code: 'MEDIA_UNREACHABLE' },
    });
    expect(planResponse(facts({ status: 416, have: 0 }))).toMatchObject({ action: 'fail' });
  });
});
