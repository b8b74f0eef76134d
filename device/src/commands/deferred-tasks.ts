/**
 * Work a command must do only after its answer is on its way (reboot): the handler defers it
 * under the command's id, and the agent releases it right after sending the answer.
 */
export class DeferredTasks {
  private readonly pending = new Map<string, { delayMs: number; task: () => Promise<void> }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly onError: (error: Error) => void) {}

  defer(commandId: string, delayMs: number, task: () => Promise<void>): void {
    this.pending.set(commandId, { delayMs, task });
  }

  /** The answer to `commandId` was handed to the link: start its deferred work, if any. */
  answered(commandId: string): void {
    const entry = this.pending.get(commandId);
    if (!entry) return;
    this.pending.delete(commandId);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      entry.task().catch((error: Error) => this.onError(error));
    }, entry.delayMs);
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }
}
