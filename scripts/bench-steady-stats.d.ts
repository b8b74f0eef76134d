// Types for bench-steady-stats.js, for its unit test (scripts/test/unit/bench/).
export const SUBJECTS: string[];
export function parseOptions(
  argv: string[],
  numbers: Record<string, [number, number, number]>,
  lists?: Record<string, [string, string[] | undefined]>,
): Record<string, number | string[] | boolean>;
export function parseSizes(text: string): number[];
export function kbPerScreen(rssKb: number, idleRssKb: number, screens: number): number;
export function cpuPercent(ticks: number, seconds: number): number;
export function telemetryDelaysMs(rows: { receivedAt: string; sentAt: string }[]): number[];
export function timeToFraction(
  syncedAtMs: number[],
  since: number,
  screens: number,
  fraction: number,
): number;
export function medianOfRounds(rounds: Record<string, unknown>[]): Record<string, number>;
export function p99(values: number[]): number;
export function ratio(a: number, b: number): number;
