// The pure parts of B1 (bench-throughput.js): the messages, the options and the arithmetic, no I/O,
// so scripts/test/unit/bench/ can check them against the protocol's own schemas.
import { argReader } from './bench-args.js';

export const TOPIC_ROOT = 'gatecast/v1/devices';

export function eventsTopic(deviceId) {
  return `${TOPIC_ROOT}/${deviceId}/events`;
}

/**
 * One proof-of-play event of exactly `bytes` bytes (UTF-8 JSON): what a screen sends for every
 * item it shows, the device→fleet message the fleet stores one row each. `run` keeps ids unique
 * across runs (the fleet ignores an event id it already stored); the item id takes up the slack.
 */
export function proofOfPlayPayload(run, index, bytes, now) {
  const at = now.toISOString();
  const event = {
    id: `${run}-${String(index).padStart(8, '0')}`,
    at,
    kind: 'proof-of-play',
    itemId: '',
    zone: 'main',
    language: 'vi',
    startedAt: at,
    durationMs: 15000,
  };
  const slack = bytes - Buffer.byteLength(JSON.stringify(event));
  if (slack < 1 || slack > 128) throw new Error(`a proof-of-play event cannot be ${bytes} bytes`);
  event.itemId = 'item-'.concat('x'.repeat(128)).slice(0, slack);
  return Buffer.from(JSON.stringify(event));
}

/** All the payloads of one run, built before the clock starts so building them costs nothing timed. */
export function payloadsOf(run, count, bytes, now = new Date()) {
  return Array.from({ length: count }, (_, index) => proofOfPlayPayload(run, index, bytes, now));
}

export const SUBJECTS = ['fm', 'aedes', 'mosquitto'];

const DEFAULTS = { messages: 50_000, rounds: 5, bytes: 200, qos: [0, 1], subjects: SUBJECTS, profile: null };
const QUICK = { messages: 10_000, rounds: 3 };

/** `argv` after the script name; throws a clear error for anything out of range. */
export function parseThroughputOptions(argv) {
  const { value, integer, list } = argReader(argv);
  const quick = argv.includes('--quick');
  const base = quick ? { ...DEFAULTS, ...QUICK } : DEFAULTS;
  return {
    quick,
    messages: integer('--messages', base.messages, 1_000, 500_000),
    rounds: integer('--rounds', base.rounds, 1, 20),
    bytes: integer('--bytes', base.bytes, 180, 300),
    qos: list('--qos', base.qos.map(String), ['0', '1']).map(Number),
    subjects: list('--subjects', base.subjects, SUBJECTS),
    profile: value('--fleet-cpu-prof') ?? base.profile,
  };
}

/** Messages per second at the receiver: from the first publish to the last message received. */
export function receiverRate(received, startedAtMs, lastReceivedAtMs) {
  const seconds = (lastReceivedAtMs - startedAtMs) / 1000;
  return received > 0 && seconds > 0 ? received / seconds : 0;
}

/**
 * Per subject and QoS, the median rate over rounds and the worst delivery; `runs` are
 * { subject, qos, rate, received, sent }.
 */
export function summariseRuns(runs) {
  const groups = new Map();
  for (const run of runs) {
    const key = `${run.subject}|${run.qos}`;
    if (!groups.has(key)) groups.set(key, { subject: run.subject, qos: run.qos, rates: [], lost: 0 });
    const group = groups.get(key);
    group.rates.push(run.rate);
    group.lost += run.sent - run.received;
  }
  return [...groups.values()].map((group) => ({
    subject: group.subject,
    qos: group.qos,
    rounds: group.rates.length,
    median: medianOf(group.rates),
    min: Math.min(...group.rates),
    max: Math.max(...group.rates),
    lost: group.lost,
  }));
}

export function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** a ÷ b, or NaN when either is missing. */
export function ratioOf(a, b) {
  return a > 0 && b > 0 ? a / b : NaN;
}
