import type { ClockSync } from '../hardware/clock-sync.js';
import type { Clock } from '../lib/clock.js';
import type { CheckOutcome } from './probes.js';

export interface ClockCheckInput {
  clockSync: ClockSync;
  clock: Clock;
  /** Right after boot NTP needs a few seconds: wait this long for it before failing. */
  settleMs: number;
  sleep: (ms: number) => Promise<void>;
}

const POLL_MS = 5_000;

/** Whether NTP synchronised the clock (timedatectl); skipped when the system cannot tell. */
export async function checkClock(input: ClockCheckInput): Promise<CheckOutcome> {
  let waitedMs = 0;
  await input.clockSync.refresh();
  let synced = input.clockSync.synchronized();
  while (synced === false && waitedMs < input.settleMs) {
    const step = Math.min(POLL_MS, input.settleMs - waitedMs);
    await input.sleep(step);
    waitedMs += step;
    await input.clockSync.refresh();
    synced = input.clockSync.synchronized();
  }
  const details = { synchronized: synced, localTime: input.clock.now().toISOString() };
  if (synced === null) {
    return {
      status: 'skipped',
      summary: 'cannot tell whether NTP synchronised the clock (timedatectl gave no answer)',
      details,
    };
  }
  if (!synced) {
    return {
      status: 'fail',
      summary: 'the clock is not synchronised by NTP: the network must allow NTP (UDP port 123) out',
      details,
    };
  }
  return { status: 'pass', summary: `synchronised by NTP (${details.localTime})`, details };
}
