// Types for bench-latency.js, for its unit test (scripts/test/unit/).
export class LastPackets {
  record(deviceId: string, at: number): void;
  snapshot(cut?: number): Map<string, number>;
}
export function detectionLatencies(
  deviceIds: Iterable<string>,
  lastPacketAt: Map<string, number>,
  detectedAt: Map<string, number>,
): { values: number[]; missing: number };
export function summarise(values: number[]): {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};
export function halfOpenGoalMs(keepaliveSec: number): number;
export const CLOSE_GOAL_MS: number;
export function transitionsOf(body: unknown): Array<{
  deviceId: string;
  kind: string;
  rule: string | null;
  id: string | null;
  recordedAt: number;
}>;
