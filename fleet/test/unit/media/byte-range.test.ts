import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRange, matchesEtag } from '../../../src/media/byte-range.js';

const etag = `"${'a'.repeat(64)}"`;
const size = 1000;
const decide = (range: string | undefined, ifRange?: string) => decideRange({ range, ifRange, etag, size });

describe('decideRange', () => {
  it('serves the whole file without a Range header', () => {
    expect(decide(undefined)).toEqual({ kind: 'whole' });
  });

  it('serves an open-ended range to the end: how the device cache resumes', () => {
    expect(decide('bytes=300-')).toEqual({ kind: 'partial', start: 300, end: 999 });
  });

  it('serves a closed range, clamping its end to the file', () => {
    expect(decide('bytes=0-99')).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(decide('bytes=900-5000')).toEqual({ kind: 'partial', start: 900, end: 999 });
  });

  it('serves a suffix range as the last N bytes', () => {
    expect(decide('bytes=-100')).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(decide('bytes=-5000')).toEqual({ kind: 'partial', start: 0, end: 999 });
  });

  it('refuses a range that starts at or past the end (416)', () => {
    expect(decide('bytes=1000-')).toEqual({ kind: 'unsatisfiable' });
    expect(decide('bytes=-0')).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not serve: other units, several ranges, reversed or empty ranges', () => {
    for (const range of ['items=0-1', 'bytes=0-1,5-9', 'bytes=9-1', 'bytes=-', 'bytes=abc', ''])
      expect(decide(range)).toEqual({ kind: 'whole' });
  });

  it('honours If-Range only when it names the current ETag', () => {
    expect(decide('bytes=10-', etag)).toEqual({ kind: 'partial', start: 10, end: 999 });
    expect(decide('bytes=10-', '"another"')).toEqual({ kind: 'whole' });
    expect(decide('bytes=10-', 'Wed, 21 Oct 2015 07:28:00 GMT')).toEqual({ kind: 'whole' });
  });

  it('never answers a partial range outside the file', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.option(fc.nat(5000)), fc.nat(5000), (first, last, fileSize) => {
        const range = `bytes=${first}-${last ?? ''}`;
        const decision = decideRange({ range, ifRange: undefined, etag, size: fileSize });
        if (decision.kind !== 'partial') return;
        expect(decision.start).toBeGreaterThanOrEqual(0);
        expect(decision.end).toBeLessThan(fileSize);
        expect(decision.start).toBeLessThanOrEqual(decision.end);
      }),
    );
  });
});

describe('matchesEtag', () => {
  it('matches the ETag in a list, weak or strong, and *', () => {
    expect(matchesEtag(etag, etag)).toBe(true);
    expect(matchesEtag(`"x", ${etag}`, etag)).toBe(true);
    expect(matchesEtag(`W/${etag}`, etag)).toBe(true);
    expect(matchesEtag('*', etag)).toBe(true);
    expect(matchesEtag('"x"', etag)).toBe(false);
    expect(matchesEtag(undefined, etag)).toBe(false);
  });
});
