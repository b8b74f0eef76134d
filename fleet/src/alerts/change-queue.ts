/**
 * The screens the broker reported changed, handed on a batch per turn of the event loop. Noting a
 * change costs a Set insert, so the broker's connect and will handling never waits for the rules.
 */
export class ChangeQueue {
  /** In the order they changed; a screen changed twice before its turn is evaluated once. */
  private readonly pending = new Set<string>();
  private timer: NodeJS.Immediate | null = null;
  private open = false;

  constructor(
    private readonly batchSize: number,
    /** Runs the batch's round; never rejects (the engine logs what fails). */
    private readonly handle: (deviceIds: readonly string[]) => Promise<void>,
  ) {}

  start(): void {
    this.open = true;
  }

  /** Drops what waits: the sweep after the next start looks at every screen anyway. */
  stop(): void {
    this.open = false;
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  add(deviceId: string): void {
    this.pending.add(deviceId);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer === null && this.open && this.pending.size > 0) {
      this.timer = setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.timer = null;
    if (!this.open) return;
    const batch: string[] = [];
    for (const deviceId of this.pending) {
      this.pending.delete(deviceId);
      batch.push(deviceId);
      if (batch.length === this.batchSize) break;
    }
    void this.handle(batch);
    this.schedule();
  }
}
