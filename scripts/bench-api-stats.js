// The pure parts of B6 (bench-api.js): options, one autocannon result as a row, the summary and
// the goal. No I/O, so scripts/test/unit/bench/ can check them.
import { medianOf, ratioOf } from './bench-throughput-load.js';
import { argReader } from './bench-args.js';

export const GOAL_P99_RATIO = 2;

const DEFAULTS = { screens: 10_000, rounds: 5, seconds: 15, connections: 4, settle: 40 };
const QUICK = { screens: 1_000, rounds: 3, seconds: 5, settle: 35 };

/** `argv` after the script name; throws a clear error for anything out of range. */
export function parseApiOptions(argv) {
  const { value, integer } = argReader(argv);
  const quick = argv.includes('--quick');
  const base = quick ? { ...DEFAULTS, ...QUICK } : DEFAULTS;
  const path = value('--path') ?? '/api/v1/devices';
  if (!path.startsWith('/api/')) throw new Error('--path: an API path such as /api/v1/devices');
  return {
    quick,
    screens: integer('--screens', base.screens, 1, 20_000),
    rounds: integer('--rounds', base.rounds, 1, 20),
    seconds: integer('--seconds', base.seconds, 2, 120),
    connections: integer('--connections', base.connections, 1, 64),
    // At least one heartbeat period (30 s), so every screen has stored its reported state and telemetry.
    settle: integer('--settle', base.settle, 0, 300),
    path,
    profile: value('--fleet-cpu-prof') ?? null,
  };
}

/** One autocannon run as the figures B6 reports (latency in ms). */
export function rowOf(result) {
  const completed = result.requests?.total ?? 0;
  return {
    requests: completed,
    rps: result.requests?.average ?? 0,
    p50: result.latency?.p50 ?? NaN,
    p99: result.latency?.p99 ?? NaN,
    max: result.latency?.max ?? NaN,
    errors: (result.errors ?? 0) + (result.timeouts ?? 0) + (result.non2xx ?? 0),
    bytesPerResponse: completed > 0 ? (result.throughput?.total ?? 0) / completed : NaN,
  };
}

/**
 * Medians over rounds per subject ('idle', 'loaded'), and the goal ratio: the median of the loaded
 * rounds' p99 ÷ the median of the idle rounds' p99.
 */
export function summariseApi(rounds) {
  const of = (subject) => rounds.filter((round) => round.subject === subject);
  const summary = {};
  for (const subject of ['idle', 'loaded']) {
    const rows = of(subject);
    summary[subject] = {
      rounds: rows.length,
      p50: medianOf(rows.map((row) => row.p50)),
      p99: medianOf(rows.map((row) => row.p99)),
      worstP99: rows.length ? Math.max(...rows.map((row) => row.p99)) : NaN,
      rps: medianOf(rows.map((row) => row.rps)),
      requests: rows.reduce((sum, row) => sum + row.requests, 0),
      errors: rows.reduce((sum, row) => sum + row.errors, 0),
      bytesPerResponse: medianOf(rows.map((row) => row.bytesPerResponse)),
    };
  }
  const p99Ratio = ratioOf(summary.loaded.p99, summary.idle.p99);
  return { ...summary, p99Ratio, met: p99Ratio <= GOAL_P99_RATIO && summary.loaded.errors === 0 };
}

/** Idle first in odd rounds, loaded first in even ones, so neither always runs on a warmer machine. */
export function orderOf(round) {
  return round % 2 === 1 ? ['idle', 'loaded'] : ['loaded', 'idle'];
}
