import { describe, expect, it } from 'vitest';
import { buildTimeFrom, readBuildTime, RELEASE_DATE } from '../../../src/lib/build-info.js';

const release = new Date('2026-11-20T00:00:00Z');

describe('buildTimeFrom: the floor under a trusted clock', () => {
  it('is the newer of the release date and the time dist/main.js was written', () => {
    const built = new Date('2026-12-03T10:00:00Z');
    expect(buildTimeFrom(release, built)).toEqual(built);
    // A copy that reset file times to the epoch: the release date still holds.
    expect(buildTimeFrom(release, new Date(0))).toEqual(release);
  });

  it('is the release date without a usable file time', () => {
    expect(buildTimeFrom(release, null)).toEqual(release);
    expect(buildTimeFrom(release, new Date(Number.NaN))).toEqual(release);
  });

  it('does not believe a file time years after the release (written by a wrong clock)', () => {
    expect(buildTimeFrom(release, new Date('2040-01-01T00:00:00Z'))).toEqual(release);
  });

  it('falls back to the release date when the file does not exist', () => {
    expect(readBuildTime('/nonexistent/gatecast/dist/main.js')).toEqual(RELEASE_DATE);
  });
});
