import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../src/cli/commands/media.js';
import { formatBytes } from '../../../src/library/format-bytes.js';
import { uploadStateKey } from '../../../src/library/upload-client.js';
import { parseRoute, routePath } from '../../../web/src/model/routes.js';

describe('the media upload progress line', () => {
  it('shows percent, amounts, rate and time left', () => {
    const line = progressLine(
      { offset: 500_000_000, total: 1_000_000_000, sentThisRun: 400_000_000 },
      0,
      5_000,
    );
    expect(line).toBe('50% 500.0 MB of 1.0 GB  80.0 MB/s  ETA 7s');
  });

  it('says it does not know the time left before anything was sent', () => {
    expect(progressLine({ offset: 0, total: 10, sentThisRun: 0 }, 0, 0)).toBe(
      '0% 0 B of 10 B  0.0 MB/s  ETA ?',
    );
  });

  it('writes sizes in decimal units', () => {
    expect([formatBytes(999), formatBytes(1_500), formatBytes(2_300_000_000)]).toEqual([
      '999 B',
      '1.5 KB',
      '2.3 GB',
    ]);
  });
});

describe('resuming an earlier run', () => {
  it('keys an unfinished upload by fleet, absolute path, size and modification time', () => {
    const target = { url: 'http://fleet:8080', token: 't' };
    const key = uploadStateKey(target, '/data/loop.mp4', 10, 1000);
    expect(uploadStateKey({ ...target, token: 'other' }, '/data/loop.mp4', 10, 1000)).toBe(key);
    expect(uploadStateKey(target, '/data/loop.mp4', 11, 1000)).not.toBe(key);
    expect(uploadStateKey(target, '/data/loop.mp4', 10, 1001)).not.toBe(key);
    expect(uploadStateKey(target, '/data/other.mp4', 10, 1000)).not.toBe(key);
    expect(uploadStateKey({ ...target, url: 'http://other:8080' }, '/data/loop.mp4', 10, 1000)).not.toBe(key);
  });
});

describe('the dashboard route of the media library', () => {
  it('is /media, both ways', () => {
    expect(parseRoute('/media')).toEqual({ page: 'library' });
    expect(parseRoute('/media/')).toEqual({ page: 'library' });
    expect(routePath({ page: 'library' })).toBe('/media');
  });
});
