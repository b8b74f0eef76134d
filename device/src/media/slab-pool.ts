/** The size of one read buffer: large reads, few system calls, few objects for the collector. */
export const SLAB_BYTES = 1 << 20;
/** Free slabs kept for reuse; the pool belongs to one download and goes with it. */
const MAX_FREE = 8;

/**
 * Read buffers handed from the transport (which fills them and lends views of them) to the file
 * sink (which gives each view back once it is on disk). A slab is reused only when the transport
 * has moved past it and every lent view is back, so no byte is overwritten while someone may
 * still read it; a view that is never given back just leaves its slab to the collector.
 * Reusing slabs spares the allocator and the garbage collector a megabyte per megabyte received.
 */
export class SlabPool {
  private readonly free: Buffer[] = [];
  private readonly lent = new WeakMap<ArrayBufferLike, number>();
  private readonly retired = new WeakMap<ArrayBufferLike, Buffer>();

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
  }

  /** Records a view of a slab as handed out. */
  lend(view: Uint8Array): void {
    this.lent.set(view.buffer, (this.lent.get(view.buffer) ?? 0) + 1);
  }

  /** The transport is done filling `slab`. */
  retire(slab: Buffer): void {
    if (this.lent.get(slab.buffer)) this.retired.set(slab.buffer, slab);
    else this.recycle(slab);
  }

  /** A lent view is no longer needed; views of other memory are ignored. */
  giveBack(view: Uint8Array): void {
    const count = this.lent.get(view.buffer);
    if (count === undefined) return;
    if (count > 1) return void this.lent.set(view.buffer, count - 1);
    this.lent.delete(view.buffer);
    const slab = this.retired.get(view.buffer);
    if (!slab) return;
    this.retired.delete(view.buffer);
    this.recycle(slab);
  }

  private recycle(slab: Buffer): void {
    if (this.free.length < MAX_FREE) this.free.push(slab);
  }
}
