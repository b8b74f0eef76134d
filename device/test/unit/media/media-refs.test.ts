import { describe, expect, it } from 'vitest';
import { splitRefs } from '../../../src/media/media-refs.js';
import { mergeIndex } from '../../../src/media/start-scan.js';
import { writeFailure } from '../../../src/media/media-errors.js';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);

describe('media references', () => {
  it('keeps one reference per sha256, the first listed', () => {
    const { refs, invalid } = splitRefs([
      { sha256: a, url: 'https://fleet.example/a', sizeBytes: 1 },
      { sha256: a, url: 'https://mirror.example/a', sizeBytes: 1 },
      { sha256: b, url: 'http://fleet.example/b', sizeBytes: 0 },
    ]);
    expect(refs.map((ref) => ref.url)).toEqual(['https://fleet.example/a', 'http://fleet.example/b']);
    expect(invalid).toEqual([]);
  });

  it('reports references that cannot be trusted as file names or sizes, and never fetches them', () => {
    const { refs, invalid } = splitRefs([
      { sha256: '../../etc/passwd', url: 'https://x.example/', sizeBytes: 1 },
      { sha256: a.toUpperCase(), url: 'https://x.example/', sizeBytes: 1 },
      { sha256: a, url: 'https://x.example/', sizeBytes: -1 },
      { sha256: b, url: 'file:///etc/passwd', sizeBytes: 1 },
    ]);
    expect(refs).toEqual([]);
    expect(invalid.map((entry) => entry.failure.code)).toEqual(Array(4).fill('MEDIA_INVALID'));
  });
});

describe('index merge at start', () => {
  it('drops entries whose file is gone and puts unknown files first, oldest first', () => {
    const c = 'c'.repeat(64);
    const d = 'd'.repeat(64);
    const saved = [
      { sha256: a, sizeBytes: 5, lastUsedAt: '2026-11-20T00:00:00.000Z' },
      { sha256: b, sizeBytes: 5, lastUsedAt: '2026-11-21T00:00:00.000Z' },
    ];
    const found = new Map([
      [b, { sizeBytes: 7, mtime: new Date('2026-11-01T00:00:00Z') }],
      [c, { sizeBytes: 1, mtime: new Date('2026-11-03T00:00:00Z') }],
      [d, { sizeBytes: 2, mtime: new Date('2026-11-02T00:00:00Z') }],
    ]);
    expect(mergeIndex(saved, found)).toEqual([
      { sha256: d, sizeBytes: 2, lastUsedAt: '2026-11-02T00:00:00.000Z' },
      { sha256: c, sizeBytes: 1, lastUsedAt: '2026-11-03T00:00:00.000Z' },
      { sha256: b, sizeBytes: 7, lastUsedAt: '2026-11-21T00:00:00.000Z' },
    ]);
  });
});

describe('write failures', () => {
  it('names a full disk as such, whatever the quota mechanism', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      expect(writeFailure(Object.assign(new Error('full'), { code }))).toMatchObject({
        kind: 'diskFull',
        code: 'DISK_FULL',
      });
    }
    expect(writeFailure(Object.assign(new Error('io'), { code: 'EIO' }))).toMatchObject({
      kind: 'local',
      code: 'INTERNAL',
    });
  });
});
