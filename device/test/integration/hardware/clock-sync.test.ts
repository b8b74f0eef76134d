import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClockSync } from '../../../src/hardware/clock-sync.js';

const log = pino({ level: 'silent' });

/** The real implementation, finding a stand-in `timedatectl` on PATH as it would find systemd's. */
describe('clock sync through a real timedatectl process', () => {
  let dir: string;
  let savedPath: string | undefined;

  /** A timedatectl that records its arguments and prints what `answer` holds (or fails). */
  const standIn = async (body: string): Promise<void> => {
    const file = join(dir, 'timedatectl');
    await writeFile(file, `#!/bin/sh\necho "$@" >> "${join(dir, 'calls')}"\n${body}\n`);
    await chmod(file, 0o755);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecast-clock-sync-'));
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`;
  });

  afterEach(async () => {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads yes and no from the NTPSynchronized property', async () => {
    await standIn(`cat "${join(dir, 'answer')}"`);
    await writeFile(join(dir, 'answer'), 'no\n');
    let now = 0;
    const sync = createClockSync(log, { monotonicMs: () => now });
    await sync.refresh();
    expect(sync.synchronized()).toBe(false);
    await writeFile(join(dir, 'answer'), 'yes\n');
    now = 60_000;
    await sync.refresh();
    expect(sync.synchronized()).toBe(true);
    const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
    expect(calls).toEqual(['show -p NTPSynchronized --value', 'show -p NTPSynchronized --value']);
  });

  it('is null when timedatectl fails, as it does without systemd', async () => {
    await standIn('echo "System has not been booted with systemd as init system (PID 1)." >&2; exit 1');
    const sync = createClockSync(log);
    await sync.refresh();
    expect(sync.synchronized()).toBeNull();
  });

  it('is null when there is no timedatectl at all', async () => {
    const sync = createClockSync(log, { timedatectl: join(dir, 'no-such-timedatectl') });
    await sync.refresh();
    expect(sync.synchronized()).toBeNull();
  });
});
