// The pure parts of B2 and B3 (bench-steady.js, bench-storm.js): options, per-screen memory,
// telemetry delays, storm quantiles and medians over rounds. Unit-tested in scripts/test/unit/bench/.
import { median, percentile } from './bench-support.js';

export const SUBJECTS = ['fm', 'aedes', 'mosquitto'];

/** Parses `--name value` options against { name: [default, min, max] } (whole numbers) and lists. */
export function parseOptions(argv, numbers, lists = {}) {
  const out = { quick: argv.includes('--quick') };
  const value = (name) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  for (const [name, [fallback, min, max]] of Object.entries(numbers)) {
    const raw = value(name);
    const number = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    out[name] = number;
  }
  for (const [name, [fallback, allowed]] of Object.entries(lists)) {
    const items = (value(name) ?? fallback).split(',').filter(Boolean);
    for (const item of items)
      if (allowed && !allowed.includes(item))
        throw new Error(`--${name}: unknown ${item} (one of ${allowed.join(', ')})`);
    out[name] = items;
  }
  return out;
}

/** Screen counts for a ramp: whole numbers from 1 to 10000, rising. */
export function parseSizes(text) {
  const sizes = text.split(',').map(Number);
  for (const size of sizes)
    if (!Number.isInteger(size) || size < 1 || size > 10_000)
      throw new Error(`--sizes: ${text}: each a whole number from 1 to 10000`);
  for (let index = 1; index < sizes.length; index++)
    if (sizes[index] <= sizes[index - 1]) throw new Error(`--sizes: ${text}: must rise`);
  return sizes;
}

/** Memory a screen adds: (RSS with N screens − RSS idle) ÷ N, in KB. */
export function kbPerScreen(rssKb, idleRssKb, screens) {
  return (rssKb - idleRssKb) / screens;
}

/** CPU % of one core from /proc ticks (100 a second) over a window. */
export function cpuPercent(ticks, seconds) {
  return (ticks / 100 / seconds) * 100;
}

/** Telemetry → stored, in ms, from stored rows { receivedAt, sentAt } (ISO strings). */
export function telemetryDelaysMs(rows) {
  const delays = [];
  for (const { receivedAt, sentAt } of rows) {
    const delay = Date.parse(receivedAt) - Date.parse(sentAt);
    if (Number.isFinite(delay)) delays.push(delay);
  }
  return delays;
}

/**
 * A storm's outcome: the times (ms since the restart) by which `fraction` of `screens` were back
 * in sync, from the times the synced ones got there; Infinity when fewer ever did.
 */
export function timeToFraction(syncedAtMs, since, screens, fraction) {
  const needed = Math.ceil(screens * fraction);
  if (needed === 0) return 0;
  if (syncedAtMs.length < needed) return Infinity;
  const sorted = syncedAtMs.map((at) => at - since).sort((a, b) => a - b);
  return sorted[needed - 1];
}

/** Median of each numeric field over rounds: [{ a: 1 }, { a: 3 }] → { a: 2 }. */
export function medianOfRounds(rounds) {
  const keys = new Set(rounds.flatMap((round) => Object.keys(round)));
  const out = {};
  for (const key of keys) {
    const values = rounds.map((round) => round[key]).filter((value) => typeof value === 'number');
    if (values.length > 0) out[key] = median(values);
  }
  return out;
}

export function p99(values) {
  return percentile(values, 99);
}

/** a ÷ b when both are finite and b is not 0, else NaN. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}
