import type { Problem, ReportedState, Zone } from '@gatecast/protocol';

/** What the player adds to the reported state. */
export interface ScreenState {
  /** The page confirmed an item on screen since the browser last started. */
  playing: boolean;
  /** The main zone's item (or the announcement covering it). */
  currentItemId: string | null;
  /** What each zone's page element shows now. */
  zones: Partial<Record<Zone, { itemId: string }>>;
  /** The media cache for the applied document; null before the first sync. */
  cache: { ready: boolean; missing: number; bytes: number } | null;
  errors: Problem[];
}

/**
 * Pure: the reconciler's report with the player's view merged in. `applied` becomes `playing`
 * once the page confirms the item; player errors (Chromium down, items failing) make it `degraded`.
 */
export function mergeScreenState(reported: ReportedState, screen: ScreenState | null): ReportedState {
  if (screen === null) return reported;
  const settled =
    reported.phase === 'applied' || reported.phase === 'playing' || reported.phase === 'degraded';
  if (!settled) return reported;
  const errors = [...reported.errors, ...screen.errors].slice(0, 20);
  let phase: ReportedState['phase'] = reported.phase;
  if (errors.length > 0) phase = 'degraded';
  else if (screen.playing) phase = 'playing';
  const cache = screen.cache ? { version: reported.appliedVersion, ...screen.cache } : undefined;
  return {
    ...reported,
    phase,
    errors,
    currentItemId: screen.currentItemId ?? reported.currentItemId,
    zones: screen.zones,
    ...(cache ? { cache } : {}),
  };
}
