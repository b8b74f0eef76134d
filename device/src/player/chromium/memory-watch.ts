/** How the player decides that Chromium's memory keeps growing (W6). */
export interface MemoryPolicy {
  /** Above this, growth is a leak worth a restart. */
  limitBytes: number;
  /** Samples that must each be above the limit and not below the one before. */
  samples: number;
}

export const DEFAULT_MEMORY_POLICY: MemoryPolicy = { limitBytes: 768 * 1024 * 1024, samples: 3 };

/**
 * Pure: whether the last samples show a browser that stays above the limit and is not shrinking.
 * A single spike (a large image decoding) is not enough, and neither is high but falling memory.
 */
export function needsRecycle(history: readonly number[], policy: MemoryPolicy): boolean {
  if (history.length < policy.samples) return false;
  const recent = history.slice(-policy.samples);
  for (let index = 0; index < recent.length; index++) {
    const value = recent[index] ?? 0;
    if (value <= policy.limitBytes) return false;
    if (index > 0 && value < (recent[index - 1] ?? 0)) return false;
  }
  return true;
}
