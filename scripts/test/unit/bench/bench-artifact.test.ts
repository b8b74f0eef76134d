import { describe, expect, it } from 'vitest';
import { nginxConfig, ratioOf, summariseRound } from '../../../bench-artifact-stats.js';

describe('nginxConfig', () => {
  const config = nginxConfig({ prefix: '/tmp/b11/nginx', rootDir: '/tmp/b11', port: 41234 });

  it('serves the directory on loopback only, with sendfile', () => {
    expect(config).toContain('listen 127.0.0.1:41234;');
    expect(config).toContain('root /tmp/b11;');
    expect(config).toContain('sendfile on;');
  });

  it('keeps its pid, logs and temp files under its own prefix', () => {
    for (const line of config.split('\n').filter((l) => /pid |_log |_temp_path /.test(l)))
      expect(line).toMatch(/\/tmp\/b11\/nginx|access_log off/);
  });
});

describe('summariseRound', () => {
  const size = 200 * 2 ** 20;

  it('measures aggregate throughput over the wall time and per-download percentiles', () => {
    const downloads = Array.from({ length: 100 }, (_, i) => ({ bytes: size, ms: 1_000 + i * 10, ok: true }));
    const round = summariseRound({ downloads, wallMs: 20_000, expectedBytes: size });
    expect(round.mbPerSec).toBe(1_000);
    expect(round.p50Ms).toBe(1_490);
    expect(round.p99Ms).toBe(1_980);
    expect(round.failed).toBe(0);
  });

  it('counts a short or refused download as failed and leaves it out of the times', () => {
    const round = summariseRound({
      downloads: [
        { bytes: size, ms: 2_000, ok: true },
        { bytes: size / 2, ms: 500, ok: true },
        { bytes: 0, ms: 5, ok: false },
      ],
      wallMs: 2_000,
      expectedBytes: size,
    });
    expect(round.failed).toBe(2);
    expect(round.p50Ms).toBe(2_000);
    expect(round.mbPerSec).toBe(150);
  });
});

describe('ratioOf', () => {
  it('divides the fleet by nginx, and is unknown without nginx', () => {
    expect(ratioOf(700, 1_000)).toBeCloseTo(0.7);
    expect(ratioOf(700, 0)).toBeNaN();
  });
});
