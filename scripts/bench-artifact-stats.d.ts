// Types for bench-artifact-stats.js, for its unit test (scripts/test/unit/).
export function nginxConfig(options: {
  prefix: string;
  rootDir: string;
  port: number;
  workers?: number | 'auto';
}): string;
export function summariseRound(round: {
  downloads: Array<{ bytes: number; ms: number; ok: boolean }>;
  wallMs: number;
  expectedBytes: number;
}): { downloads: number; failed: number; mbPerSec: number; p50Ms: number; p99Ms: number; wallMs: number };
export function ratioOf(fleetMbPerSec: number, nginxMbPerSec: number): number;
