import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DurableEventQueue } from '../../../src/events/durable-queue.js';
import { eventually, tempDir } from '../helpers/fixtures.js';
import { openQueue, recordingPublisher } from './queue-helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/queue-writer.mjs', import.meta.url));
const ROUNDS = 12;

interface Round {
  ready: number | null;
  queued: string[];
}

/** Runs the writer until it has queued a random number of events, then SIGKILLs it mid-write. */
async function killedWriter(dir: string, prefix: string, random: () => number): Promise<Round> {
  const child = spawn(process.execPath, [WRITER, dir, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const target = 1 + Math.floor(random() * 60);
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').length > target) resolve();
    });
    void exited.then(() => resolve());
  });
  child.kill('SIGKILL');
  await exited;
  if (err.trim() !== '') throw new Error(`writer failed: ${err}`);
  // Only whole lines count: a line is printed only after its event was fsynced.
  const lines = out.split('\n').slice(0, -1);
  const ready = lines.find((line) => line.startsWith('ready '));
  return {
    ready: ready === undefined ? null : Number(ready.slice(6)),
    queued: lines.filter((line) => line.startsWith('queued ')).map((line) => line.slice(7)),
  };
}

describe('the durable queue under SIGKILL (P1)', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let queue: DurableEventQueue | null = null;

  beforeEach(async () => {
    root = await tempDir('event-queue-kill');
  });

  afterEach(async () => {
    await queue?.stop();
    await root.remove();
  });

  it('loses no event that was confirmed on disk, sends each once, and always starts again', async () => {
    const dir = join(root.path, 'events');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const confirmed: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const result = await killedWriter(dir, `r${round}`, random);
      // Recovery after the previous SIGKILL worked, and found at least every confirmed event.
      expect(result.ready).not.toBeNull();
      expect(result.ready).toBeGreaterThanOrEqual(confirmed.length);
      confirmed.push(...result.queued);
    }
    expect(confirmed.length).toBeGreaterThan(ROUNDS);

    queue = openQueue(dir);
    await queue.start();
    const publisher = recordingPublisher();
    queue.resume(publisher.publish);
    const open = queue;
    await eventually(() => expect(open.pending).toBe(0), 20_000);
    const sent = publisher.sent.map((event) => event.id);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toEqual(expect.arrayContaining(confirmed));
    // Anything beyond the confirmed events was written by a writer killed before it could say so.
    for (const id of sent) expect(id).toMatch(/^r\d+-\d{6}-\d$/);
  }, 120_000);
});
