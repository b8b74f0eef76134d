// Types for bench-api-stats.js, for its unit test (scripts/test/unit/bench/).
export const GOAL_P99_RATIO: number;
export interface ApiOptions {
  quick: boolean;
  screens: number;
  rounds: number;
  seconds: number;
  connections: number;
  settle: number;
  path: string;
  profile: string | null;
}
export function parseApiOptions(argv: string[]): ApiOptions;
export interface ApiRow {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  bytesPerResponse: number;
}
export function rowOf(result: unknown): ApiRow;
interface SubjectSummary {
  rounds: number;
  p50: number;
  p99: number;
  worstP99: number;
  rps: number;
  requests: number;
  errors: number;
  bytesPerResponse: number;
}
export function summariseApi(rounds: Array<ApiRow & { subject: 'idle' | 'loaded' }>): {
  idle: SubjectSummary;
  loaded: SubjectSummary;
  p99Ratio: number;
  met: boolean;
};
export function orderOf(round: number): Array<'idle' | 'loaded'>;
