// Types for bench-throughput-load.js, for its unit test (scripts/test/unit/bench/).
export const TOPIC_ROOT: string;
export function eventsTopic(deviceId: string): string;
export function proofOfPlayPayload(run: string, index: number, bytes: number, now: Date): Buffer;
export function payloadsOf(run: string, count: number, bytes: number, now?: Date): Buffer[];
export const SUBJECTS: string[];
export interface ThroughputOptions {
  quick: boolean;
  messages: number;
  rounds: number;
  bytes: number;
  qos: number[];
  subjects: string[];
  profile: string | null;
}
export function parseThroughputOptions(argv: string[]): ThroughputOptions;
export function receiverRate(received: number, startedAtMs: number, lastReceivedAtMs: number): number;
export interface ThroughputRun {
  subject: string;
  qos: number;
  rate: number;
  received: number;
  sent: number;
}
export function summariseRuns(runs: ThroughputRun[]): Array<{
  subject: string;
  qos: number;
  rounds: number;
  median: number;
  min: number;
  max: number;
  lost: number;
}>;
export function medianOf(values: number[]): number;
export function ratioOf(a: number | undefined, b: number | undefined): number;
