// Types for bench-throughput-profile.js, for its unit test (scripts/test/unit/bench/).
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas?: number[];
}
export function topSelfTime(
  profile: CpuProfile,
  top?: number,
): { totalMs: number; rows: Array<{ where: string; ms: number; share: number }> };
export function inclusiveTime(profile: CpuProfile, pattern: RegExp): { ms: number; share: number };
export function labelOf(node: CpuProfile['nodes'][number]): string;
