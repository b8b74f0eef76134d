// Types for dependency-floors.js, for its unit test (scripts/test/unit/).
export interface Floor {
  version: string;
  why: string;
}
export interface NpmTree {
  dependencies?: Record<string, NpmTree & { version?: string }>;
}
export const FLOORS: Record<string, Floor>;
export function installedCopies(
  tree: NpmTree,
  names?: string[],
): Array<{ name: string; version: string; path: string[] }>;
export function floorViolations(tree: NpmTree, floors?: Record<string, Floor>): string[];
export function auditVerdict(
  json: unknown,
): { checked: true; high: number; critical: number } | { checked: false; reason: string };
