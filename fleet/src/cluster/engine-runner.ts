import type { Logger } from 'pino';
import type { LeaseRepo } from './lease-repo.js';

/** A timer-driven engine that must not act twice: alerts, rollouts, the notify outbox, rollups. */
export interface Engine {
  /** May read the store first (the alert engine loads its policies). */
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** Where the fleet hands its single-runner engines. */
export interface EngineRunner {
  /** Resolves once the engine started here, or at once when another process runs the engines. */
  run(name: string, engine: Engine): Promise<void>;
}

/** One process: every engine starts right away, as it always has; a failed start fails the fleet's. */
export const startRightAway: EngineRunner = {
  run: async (_name, engine) => engine.start(),
};

export interface LeasedEnginesOptions {
  repo: Pick<LeaseRepo, 'acquire' | 'release'>;
  /** The lease's name in the store; every process of a cluster uses the same one. */
  name: string;
  holder: string;
  log: Logger;
  /** Without a renewal for this long, another process takes over (default 15 s). */
  ttlMs?: number;
  /** How often the holder renews and the others try (default a third of ttlMs). */
  renewMs?: number;
  now?: () => Date;
}

const DEFAULT_TTL_MS = 15_000;

/**
 * Several processes: the engines run in the one process holding the lease. Each renews or tries
 * every renewMs; the holder renews well before expiry, so a live holder keeps it, and a dead one's
 * lease lapses after ttlMs and the next try elsewhere takes it and starts the engines there.
 */
export class LeasedEngines implements EngineRunner {
  private readonly options: LeasedEnginesOptions;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly ttlMs: number;
  private readonly engines: Array<{ name: string; engine: Engine }> = [];
  private timer: NodeJS.Timeout | null = null;
  private held = false;
  /** Serialises renewals with the engine starts and stops they cause. */
  private turn: Promise<void> = Promise.resolve();

  constructor(options: LeasedEnginesOptions) {
    this.options = options;
    this.log = options.log.child({ mod: 'lease', lease: options.name });
    this.now = options.now ?? (() => new Date());
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** Registers an engine; it starts whenever this process holds the lease. */
  async run(name: string, engine: Engine): Promise<void> {
    this.engines.push({ name, engine });
    if (this.held) await this.startEngine(name, engine);
  }

  get holding(): boolean {
    return this.held;
  }

  /** Tries at once, then on every renewal interval. */
  begin(): Promise<void> {
    const renewMs = this.options.renewMs ?? Math.floor(this.ttlMs / 3);
    this.timer = setInterval(() => void this.renew(), renewMs);
    this.timer.unref();
    return this.renew();
  }

  /** One renewal or attempt; what the timer runs (tests call it with a moved clock). */
  renew(): Promise<void> {
    this.turn = this.turn.then(() => this.renewNow());
    return this.turn;
  }

  /** Stops the engines here and hands the lease back, so another process takes over at once. */
  async end(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.turn;
    if (!this.held) return;
    await this.stopEngines();
    try {
      await this.options.repo.release(this.options.name, this.options.holder);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'lease not released; it lapses by itself');
    }
  }

  private async renewNow(): Promise<void> {
    const now = this.now();
    let held: boolean;
    try {
      const until = new Date(now.getTime() + this.ttlMs).toISOString();
      held = await this.options.repo.acquire(
        this.options.name,
        this.options.holder,
        now.toISOString(),
        until,
      );
    } catch (error) {
      // A busy or unreachable store: the holder cannot know it still holds, so it stops acting.
      this.log.error({ err: (error as Error).message }, 'lease not renewed');
      held = false;
    }
    if (held && !this.held) await this.startEngines();
    if (!held && this.held) await this.stopEngines();
  }

  private async startEngines(): Promise<void> {
    this.held = true;
    this.log.info({ holder: this.options.holder }, 'lease taken: engines start here');
    for (const { name, engine } of this.engines) await this.startEngine(name, engine);
  }

  private async startEngine(name: string, engine: Engine): Promise<void> {
    try {
      await engine.start();
    } catch (error) {
      this.log.error({ engine: name, err: (error as Error).message }, 'engine did not start');
    }
  }

  private async stopEngines(): Promise<void> {
    this.held = false;
    this.log.info({ holder: this.options.holder }, 'lease lost: engines stop here');
    for (const { name, engine } of [...this.engines].reverse()) {
      try {
        await engine.stop();
      } catch (error) {
        this.log.error({ engine: name, err: (error as Error).message }, 'engine did not stop cleanly');
      }
    }
  }
}

/**
 * An engine that runs `action` every `everyMs` while it runs. In a cluster it catches up on what
 * another process changed without telling the engine (its timers are armed only where it runs).
 */
export function everyInterval(everyMs: number, action: () => Promise<unknown>, log: Logger): Engine {
  let timer: NodeJS.Timeout | null = null;
  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        action().catch((error: Error) => log.error({ err: error.message }, 'catch-up pass failed'));
      }, everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
