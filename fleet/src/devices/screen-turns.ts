import type { Logger } from 'pino';

/**
 * One chain of tasks per screen: each starts once the screen's previous one ended, so a screen's
 * claims, releases and messages keep their order while the store answers. A task's failure is
 * logged, never passed on: a turn never rejects, and the broker never sees an error.
 */
export class ScreenTurns {
  private readonly chains = new Map<string, Promise<void>>();

  /** `failure`: the log line of a failed task. */
  constructor(
    private readonly log: Logger,
    private readonly failure: string,
  ) {}

  /** The screen has a task under way or waiting. */
  busy(deviceId: string): boolean {
    return this.chains.has(deviceId);
  }

  /** Runs `task` after the screen's earlier ones; resolves once it ended. `context` goes in its failure's log line. */
  run(deviceId: string, task: () => Promise<void> | void, context: object = {}): Promise<void> {
    const previous = this.chains.get(deviceId) ?? Promise.resolve();
    const turn = previous
      .then(task)
      .catch((error: unknown) =>
        this.log.error({ deviceId, ...context, err: (error as Error).message }, this.failure),
      )
      .finally(() => {
        if (this.chains.get(deviceId) === turn) this.chains.delete(deviceId);
      });
    this.chains.set(deviceId, turn);
    return turn;
  }

  /** Resolves once the screen's tasks so far ended (at once when it has none). */
  async of(deviceId: string): Promise<void> {
    await this.chains.get(deviceId);
  }

  /** Resolves once every screen's tasks ended, those added meanwhile too. */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }
}
