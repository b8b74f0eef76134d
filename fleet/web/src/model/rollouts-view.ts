import type { RolloutSummary, WaveSpec } from '../api/rollouts-api.js';

// Pure helpers of the rollout pages: progress numbers, the waves field, when to refresh.

/** Screens that run the version: committed, or already on it (skipped). */
export function doneOf(counts: { committed: number; skipped: number }): number {
  return counts.committed + counts.skipped;
}

/** Whole percent, 0 for no screens (a rollout with none is already complete). */
export function percentOf(part: number, total: number): number {
  return total === 0 ? 100 : Math.round((part / total) * 100);
}

/** A running or paused rollout still changes: its page refreshes itself. */
export function isLive(state: RolloutSummary['state']): boolean {
  return state === 'running' || state === 'paused';
}

/** `canary, 10, 50, 100` → ['canary', 10, 50, 100]; null when an item is neither (the fleet checks the order). */
export function parseWaves(text: string): WaveSpec[] | null {
  const items = text
    .split(/[,\s]+/)
    .map((item) => item.trim().replace(/%$/, ''))
    .filter((item) => item !== '');
  if (items.length === 0) return null;
  const waves: WaveSpec[] = [];
  for (const item of items) {
    if (item.toLowerCase() === 'canary') waves.push('canary');
    else if (/^\d{1,3}$/.test(item) && Number(item) >= 1 && Number(item) <= 100) waves.push(Number(item));
    else return null;
  }
  return waves;
}

export function wavesText(waves: readonly WaveSpec[]): string {
  return waves.map((wave) => (wave === 'canary' ? 'canary' : `${wave} %`)).join(' → ');
}

export function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** Newest first, running and paused ones before finished ones. */
export function sortRollouts(rollouts: readonly RolloutSummary[]): RolloutSummary[] {
  return [...rollouts].sort(
    (a, b) => Number(isLive(b.state)) - Number(isLive(a.state)) || b.createdAt.localeCompare(a.createdAt),
  );
}
