/**
 * Runs a task one at a time: a request while it runs makes exactly one more run afterwards, so
 * bursts of requests (documents, timers) collapse and the last state is always handled.
 */
export class SerialRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly task: () => Promise<void>) {}

  request(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.task().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }

  /** No new runs; resolves when the current one is done. */
  async close(): Promise<void> {
    this.closed = true;
    this.again = false;
    await this.running;
  }
}
