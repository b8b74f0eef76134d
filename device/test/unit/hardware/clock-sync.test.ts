import { GatecastError } from '@gatecast/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_SYNC_MAX_AGE_MS,
  createClockSync,
  parseNtpSynchronized,
  type ToolRunner,
} from '../../../src/hardware/clock-sync.js';

const log = pino({ level: 'silent' });

/** A timedatectl in memory: answers from a list, counts the questions, and can hold an answer back. */
function fakeRunner(answers: Array<string | Error>) {
  const calls: Array<readonly string[]> = [];
  let release: (() => void) | null = null;
  let held = false;
  const run: ToolRunner = async (file, args) => {
    calls.push([file, ...args]);
    if (held) await new Promise<void>((resolve) => (release = resolve));
    const answer = answers.shift() ?? new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return { stdout: answer, stderr: '' };
  };
  return {
    run,
    calls,
    hold: () => (held = true),
    release: () => {
      held = false;
      release?.();
    },
  };
}

describe('parseNtpSynchronized', () => {
  it('reads yes and no, with the newline timedatectl prints', () => {
    expect(parseNtpSynchronized('yes\n')).toBe(true);
    expect(parseNtpSynchronized('no\n')).toBe(false);
    expect(parseNtpSynchronized(' YES ')).toBe(true);
  });

  it('is null for anything else: the system cannot tell', () => {
    expect(parseNtpSynchronized('')).toBeNull();
    expect(parseNtpSynchronized('NTPSynchronized=yes')).toBeNull();
    expect(parseNtpSynchronized('maybe')).toBeNull();
  });
});

describe('createClockSync', () => {
  it('asks timedatectl for the NTPSynchronized property only', async () => {
    const tool = fakeRunner(['yes\n']);
    const sync = createClockSync(log, { run: tool.run, monotonicMs: () => 0 });
    await sync.refresh();
    expect(sync.synchronized()).toBe(true);
    expect(tool.calls).toEqual([['timedatectl', 'show', '-p', 'NTPSynchronized', '--value']]);
  });

  it('is unknown (null) when the tool is missing or fails, not untrusted', async () => {
    const missing = fakeRunner([new GatecastError('HARDWARE_UNAVAILABLE', 'timedatectl is not installed')]);
    const a = createClockSync(log, { run: missing.run, monotonicMs: () => 0 });
    await a.refresh();
    expect(a.synchronized()).toBeNull();
    const failing = fakeRunner(['no\n', new GatecastError('COMMAND_FAILED', 'Failed to connect to bus')]);
    let now = 0;
    const b = createClockSync(log, { run: failing.run, monotonicMs: () => now });
    await b.refresh();
    expect(b.synchronized()).toBe(false);
    now += CLOCK_SYNC_MAX_AGE_MS;
    await b.refresh();
    expect(b.synchronized()).toBeNull();
  });

  it('never waits: the first answer is null while the question runs in the background', async () => {
    const tool = fakeRunner(['yes\n']);
    tool.hold();
    const sync = createClockSync(log, { run: tool.run, monotonicMs: () => 0 });
    expect(sync.synchronized()).toBeNull();
    expect(sync.synchronized()).toBeNull();
    // One question in flight, however often the schedule asks.
    expect(tool.calls).toHaveLength(1);
    const answered = sync.refresh();
    tool.release();
    await answered;
    expect(sync.synchronized()).toBe(true);
    expect(tool.calls).toHaveLength(1);
  });

  it('asks at most once a minute, returning the cached value meanwhile', async () => {
    const tool = fakeRunner(['no\n', 'yes\n']);
    let now = 1_000;
    const sync = createClockSync(log, { run: tool.run, monotonicMs: () => now });
    await sync.refresh();
    for (let i = 0; i < 100; i += 1) {
      now += 500;
      expect(sync.synchronized()).toBe(false);
    }
    expect(tool.calls).toHaveLength(1);
    now = 1_000 + CLOCK_SYNC_MAX_AGE_MS;
    // Stale: this call still answers from the cache and starts the refresh.
    expect(sync.synchronized()).toBe(false);
    expect(tool.calls).toHaveLength(2);
    await sync.refresh();
    expect(sync.synchronized()).toBe(true);
  });
});
