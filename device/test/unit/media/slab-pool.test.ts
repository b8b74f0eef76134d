import { describe, expect, it } from 'vitest';
import { SlabPool, SLAB_BYTES } from '../../../src/media/slab-pool.js';

describe('slab pool', () => {
  it('reuses a slab only after the transport moved on and every lent view came back', () => {
    const pool = new SlabPool();
    const slab = pool.take();
    expect(slab.length).toBe(SLAB_BYTES);
    const first = slab.subarray(0, 10);
    const second = slab.subarray(10, 20);
    pool.lend(first);
    pool.lend(second);
    pool.retire(slab);
    pool.giveBack(first);
    expect(pool.take().buffer).not.toBe(slab.buffer);
    pool.giveBack(second);
    expect(pool.take().buffer).toBe(slab.buffer);
  });

  it('keeps a slab in use while the transport still fills it', () => {
    const pool = new SlabPool();
    const slab = pool.take();
    const view = slab.subarray(0, 10);
    pool.lend(view);
    pool.giveBack(view);
    expect(pool.take().buffer).not.toBe(slab.buffer);
  });

  it('never reuses a slab whose view was not given back, and ignores foreign memory', () => {
    const pool = new SlabPool();
    const slab = pool.take();
    pool.lend(slab.subarray(0, 10));
    pool.retire(slab);
    pool.giveBack(Buffer.alloc(10));
    expect(pool.take().buffer).not.toBe(slab.buffer);
  });
});
