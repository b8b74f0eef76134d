import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The reliability suite's one way to report: each catalogue test prints its figure and appends it
 * to the run's figures file, which `scripts/run-reliability.js` turns into the table of
 * docs/reliability.md. Tests still assert their threshold with `expect`, for a readable failure.
 */

export type Mode = 'short' | 'full';

/** The short forms run in CI; `GATECAST_RELIABILITY=full` runs the catalogue's full sizes. */
export const MODE: Mode = process.env.GATECAST_RELIABILITY === 'full' ? 'full' : 'short';

/** Picks the short or the full size of a test (cases, runs, minutes). */
export function sized<T>(short: T, full: T): T {
  return MODE === 'full' ? full : short;
}

export const FIGURES_FILE = resolve(
  process.env.GATECAST_RELIABILITY_FIGURES ??
    resolve(import.meta.dirname, '../../.reliability/figures.jsonl'),
);

export interface Figure {
  /** The catalogue id, e.g. `F1`. */
  id: string;
  /** What was measured, with its value: `accepted per case: none 0, wrong 0, right 100`. */
  figure: string;
  /** The pass rule in words, as the catalogue states it: `only the right one`. */
  pass: string;
  passed: boolean;
  /** The size this run used, e.g. `10k cases` (the full form is in the catalogue). */
  size?: string;
  /** The seed of a fuzzed or randomised test, so the run can be replayed. */
  seed?: number;
}

export function recordFigure(figure: Figure): Figure {
  const line = { ...figure, mode: MODE, at: new Date().toISOString() };
  const seed = figure.seed === undefined ? '' : ` [seed ${figure.seed}]`;
  const size = figure.size ? ` (${figure.size}, ${MODE})` : ` (${MODE})`;
  process.stdout.write(
    `reliability ${figure.id}: ${figure.figure} · pass: ${figure.pass} → ${figure.passed ? 'PASS' : 'FAIL'}${size}${seed}\n`,
  );
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify(line)}\n`);
  return figure;
}

/**
 * The seed of a randomised test: `GATECAST_FUZZ_SEED` replays a run, otherwise a fresh one.
 * Printed at once, so a crash before the figure still leaves the seed in the log.
 */
export function fuzzSeed(id: string): number {
  const given = Number(process.env.GATECAST_FUZZ_SEED);
  const seed =
    Number.isSafeInteger(given) && process.env.GATECAST_FUZZ_SEED
      ? given
      : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`reliability ${id}: seed ${seed} (replay with GATECAST_FUZZ_SEED=${seed})\n`);
  return seed;
}

/** A seeded pseudo-random source (mulberry32): small, fast and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
