import type { Logger } from 'pino';
import type { BrowserSession, LossCause } from './browser-session.js';
import { DEFAULT_MEMORY_POLICY, needsRecycle, type MemoryPolicy } from './memory-watch.js';
import { restartDelayMs, STABLE_AFTER_MS } from './restart-backoff.js';

export interface SupervisorOptions {
  /** Prepares the profile and opens a session; `onLost` must reach `lost` below. */
  launch(onLost: (cause: LossCause, detail: string) => void): Promise<BrowserSession>;
  log: Logger;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  memorySampleMs?: number;
  memoryPolicy?: MemoryPolicy;
  /** A new browser shows the page; the owner pushes state or records it. */
  onUp?(session: BrowserSession): void;
  onDown?(cause: LossCause | 'launch-failed', detail: string): void;
}

export interface SupervisorStats {
  up: boolean;
  restarts: number;
  launchFailures: number;
  lastCause: string | null;
  lastCauseAt: string | null;
  pid: number | null;
}

/**
 * Keeps one Chromium with the player page alive: relaunches it when it exits, its page crashes or
 * stops answering the heartbeat (a hung renderer), and recycles it in a quiet moment when its
 * memory keeps growing. Launch failures retry forever with a short, capped backoff.
 */
export class ChromiumSupervisor {
  private session: BrowserSession | null = null;
  private generation = 0;
  private running = false;
  private failures = 0;
  private upSince = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private memoryTimer: NodeJS.Timeout | null = null;
  private heartbeating = false;
  private memory: number[] = [];
  private recyclePending = false;
  private readonly log: Logger;
  readonly stats: SupervisorStats = {
    up: false,
    restarts: 0,
    launchFailures: 0,
    lastCause: null,
    lastCauseAt: null,
    pid: null,
  };

  constructor(private readonly options: SupervisorOptions) {
    this.log = options.log.child({ mod: 'chromium' });
  }

  get current(): BrowserSession | null {
    return this.session;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs ?? 5_000);
    this.memoryTimer = setInterval(() => void this.sampleMemory(), this.options.memorySampleMs ?? 30_000);
    void this.launch();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    for (const timer of [this.retryTimer, this.heartbeatTimer, this.memoryTimer]) {
      if (timer) clearTimeout(timer);
    }
    this.retryTimer = this.heartbeatTimer = this.memoryTimer = null;
    await this.dropSession();
  }

  /** Replaces the browser now (the `restart-browser` command, or a caller that saw it fail). */
  restart(cause: LossCause, detail: string): void {
    if (!this.running) return;
    void this.replace(this.generation, cause, detail);
  }

  /**
   * The page plays its plan: this launch worked. A later loss is a new incident, so it gets the
   * quick first retry again; only launches that never reach content back off (a crash loop).
   */
  playing(): void {
    this.failures = 0;
  }

  /** The page is between items and no announcement shows: a pending memory recycle may run. */
  quietMoment(): void {
    if (!this.recyclePending || !this.session) return;
    this.recyclePending = false;
    this.memory = [];
    this.restart('memory', 'memory kept growing past the limit');
  }

  private async launch(): Promise<void> {
    const generation = this.generation;
    try {
      const session = await this.options.launch(
        (cause, detail) => void this.replace(generation, cause, detail),
      );
      if (generation !== this.generation || !this.running) {
        await session.close();
        return;
      }
      this.session = session;
      this.upSince = Date.now();
      Object.assign(this.stats, { up: true, pid: session.pid });
      this.log.info({ pid: session.pid, restarts: this.stats.restarts }, 'chromium is up');
      this.options.onUp?.(session);
    } catch (error) {
      if (generation !== this.generation || !this.running) return;
      this.stats.launchFailures++;
      const detail = (error as Error).message;
      this.log.error({ err: detail }, 'chromium did not start');
      this.note('launch-failed', detail);
      this.options.onDown?.('launch-failed', detail);
      this.scheduleLaunch();
    }
  }

  private async replace(generation: number, cause: LossCause, detail: string): Promise<void> {
    if (generation !== this.generation || !this.running) return;
    this.generation++;
    this.stats.restarts++;
    this.note(cause, detail);
    this.log.warn({ cause, detail }, 'chromium lost; relaunching');
    this.options.onDown?.(cause, detail);
    if (Date.now() - this.upSince > STABLE_AFTER_MS) this.failures = 0;
    await this.dropSession();
    this.scheduleLaunch();
  }

  private scheduleLaunch(): void {
    if (!this.running) return;
    const delay = restartDelayMs(this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.launch();
    }, delay);
  }

  private async dropSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    Object.assign(this.stats, { up: false, pid: null });
    if (session) await session.close().catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const session = this.session;
    if (!session || this.heartbeating) return;
    this.heartbeating = true;
    const generation = this.generation;
    try {
      const alive = await session.heartbeat(this.options.heartbeatTimeoutMs ?? 3_000);
      if (!alive && session === this.session) {
        await this.replace(generation, 'heartbeat', 'the page did not answer the heartbeat');
      }
    } finally {
      this.heartbeating = false;
    }
  }

  private async sampleMemory(): Promise<void> {
    const bytes = await this.session?.heapBytes();
    if (bytes === undefined || bytes === null) return;
    this.memory = [...this.memory.slice(-9), bytes];
    const policy = this.options.memoryPolicy ?? DEFAULT_MEMORY_POLICY;
    if (!this.recyclePending && needsRecycle(this.memory, policy)) {
      this.recyclePending = true;
      this.log.warn(
        { bytes, limitBytes: policy.limitBytes },
        'chromium memory keeps growing; recycling soon',
      );
    }
  }

  private note(cause: string, detail: string): void {
    this.stats.lastCause = `${cause}: ${detail}`.slice(0, 300);
    this.stats.lastCauseAt = new Date().toISOString();
  }
}
