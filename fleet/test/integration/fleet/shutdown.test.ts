import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRealFleet } from './real-fleet.js';

describe('fleet shutdown', () => {
  it('is not held up by an HTTP client that connected and never sent a request', async () => {
    const fleet = await startRealFleet();
    const idle = net.connect(fleet.running.httpPort, '127.0.0.1');
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    const outcome = await Promise.race([
      fleet.close().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000)),
    ]);
    expect(outcome).toBe('stopped');
    await closed;
    expect(idle.destroyed).toBe(true);
  });
});
