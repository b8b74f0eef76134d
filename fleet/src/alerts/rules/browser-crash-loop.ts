import { inactive, liveSample, type RuleEvaluator } from './rule-types.js';

/** How far back restarts are counted. */
export const CRASH_LOOP_WINDOW_MS = 10 * 60_000;

type Sample = [atMs: number, restarts: number];

function samplesOf(scratch: Record<string, unknown> | null): Sample[] {
  const samples = scratch?.samples;
  return Array.isArray(samples) ? (samples as Sample[]) : [];
}

/**
 * The kiosk browser restarted at least `threshold` times within 10 minutes. The agent reports a
 * running count, so the rule keeps the counts it saw (one per telemetry sample) for the window.
 */
export const browserCrashLoopRule: RuleEvaluator = (input, settings, now, scratch) => {
  const player = liveSample(input)?.player;
  const sampledAt = input.lastTelemetryAt === null ? Number.NaN : Date.parse(input.lastTelemetryAt);
  let samples = samplesOf(scratch).filter(([at]) => at > now.getTime() - CRASH_LOOP_WINDOW_MS);
  if (player && Number.isFinite(sampledAt) && !samples.some(([at]) => at === sampledAt)) {
    const last = samples.at(-1);
    // A lower count means the agent itself restarted: its count began again.
    if (last && player.restarts < last[1]) samples = [];
    samples = [...samples, [sampledAt, player.restarts]];
  }
  const first = samples[0];
  const latest = samples.at(-1);
  const rise = first && latest ? latest[1] - first[1] : 0;
  const threshold = settings.threshold ?? 3;
  const next = { samples };
  if (rise < threshold) return { ...inactive(settings), scratch: next };
  return {
    active: true,
    severity: settings.severity,
    facts: { restarts: rise, windowMin: CRASH_LOOP_WINDOW_MS / 60_000, lastCause: player?.lastCause ?? null },
    scratch: next,
  };
};
