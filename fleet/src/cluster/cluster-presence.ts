import type { ParsedMessage } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { BrokerHandlers, DisconnectCause } from '../broker/broker.js';
import type { PresenceRepo } from './presence-repo.js';

export interface ClusterPresenceOptions {
  repo: PresenceRepo;
  processId: string;
  /** The inbox: it stores presence and messages as in a single process. */
  inner: BrokerHandlers;
  /** The screens connected here now, to claim again after the others took this process for dead. */
  connectedHere: () => string[];
  /** Told about screens marked offline by a sweep (live views, the alert engine). */
  changed: (deviceId: string) => void;
  log: Logger;
  /** Heartbeat and sweep interval (default 5 s). */
  beatMs?: number;
  /** A process silent this long is dead: its screens go offline (default 20 s). */
  staleMs?: number;
  now?: () => Date;
}

/**
 * Stored presence when several processes share the store. Each process knows only its own
 * connections, so each screen's connection is claimed in the store by the process holding it:
 * a disconnect only marks the screen offline while this process still holds it (a screen that
 * moved to another process stays online), and a process whose heartbeat goes stale loses its
 * claims, so the others mark its screens offline.
 */
export class ClusterPresence implements BrokerHandlers {
  private readonly options: ClusterPresenceOptions;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly staleMs: number;
  private timer: NodeJS.Timeout | null = null;
  private othersAtStart = 0;

  constructor(options: ClusterPresenceOptions) {
    this.options = options;
    this.log = options.log.child({ mod: 'cluster-presence' });
    this.now = options.now ?? (() => new Date());
    this.staleMs = options.staleMs ?? 20_000;
  }

  /**
   * Before the broker listens: a restarted process drops what its last run held, and screens
   * nobody holds (a crash of a single-process fleet, a process that died) go offline.
   */
  start(): void {
    const { repo, processId } = this.options;
    const dropped = repo.forget(processId);
    this.othersAtStart = this.liveOthers().length;
    repo.register(processId, this.now().toISOString());
    if (dropped > 0) this.log.info({ screens: dropped }, 'screens held by the last run released');
    this.sweep();
    this.timer = setInterval(() => this.beat(), this.options.beatMs ?? 5_000);
    this.timer.unref();
  }

  /** No other live process when this one started: the cluster starts cold (retained state may be gone). */
  get firstToStart(): boolean {
    return this.othersAtStart === 0;
  }

  /** After the broker stopped (its screens' disconnects released them): this process leaves. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.options.repo.forget(this.options.processId);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'process row not removed; it goes stale by itself');
    }
  }

  /** One heartbeat and sweep; what the timer runs. */
  beat(): void {
    const { repo, processId } = this.options;
    try {
      if (!repo.beat(processId, this.now().toISOString())) this.rejoin();
      this.sweep();
    } catch (error) {
      this.log.error({ err: (error as Error).message }, 'cluster heartbeat failed');
    }
  }

  onDeviceConnected(deviceId: string): void {
    // Claimed before stored online: a sweep elsewhere never sees it online and unheld.
    this.claim(deviceId);
    this.options.inner.onDeviceConnected(deviceId);
  }

  onDeviceDisconnected(deviceId: string, cause: DisconnectCause): void {
    if (!this.release(deviceId)) {
      this.log.info({ deviceId, cause }, 'screen not held here (moved to another process); presence kept');
      return;
    }
    this.options.inner.onDeviceDisconnected(deviceId, cause);
  }

  onDeviceMessage(message: ParsedMessage): void {
    if (message.kind === 'status' && message.payload.state === 'offline') {
      // In a cluster, the connection decides: its end marks the screen offline (if still held here).
      // An "offline" may be a will of an older session (moved on, or left behind by a dead process
      // and published minutes later by Aedes on a live one) while the screen is connected somewhere.
      this.log.debug({ deviceId: message.deviceId }, 'offline status left to the connection');
      return;
    }
    if (message.kind === 'status') this.claim(message.deviceId);
    this.options.inner.onDeviceMessage(message);
  }

  /** The inner inbox decides when a message is stored, and so when it is acknowledged. */
  whenStored(done: () => void): void {
    if (this.options.inner.whenStored) this.options.inner.whenStored(done);
    else done();
  }

  /** Processes silent for staleMs are forgotten; then every screen online but unheld goes offline. */
  sweep(): void {
    const { repo, processId } = this.options;
    const before = this.staleBefore();
    for (const { processId: stale, beatAt } of repo.processes()) {
      if (stale === processId || beatAt >= before) continue;
      const screens = repo.forget(stale);
      this.log.warn({ process: stale, screens }, 'process stopped beating; its screens go offline');
    }
    const offline = repo.markUnheldOffline(this.now().toISOString());
    if (offline.length > 0) this.log.info({ screens: offline.length }, 'screens nobody holds marked offline');
    for (const deviceId of offline) this.options.changed(deviceId);
  }

  private staleBefore(): string {
    return new Date(this.now().getTime() - this.staleMs).toISOString();
  }

  private liveOthers(): string[] {
    const before = this.staleBefore();
    return this.options.repo
      .processes()
      .filter((row) => row.processId !== this.options.processId && row.beatAt >= before)
      .map((row) => row.processId);
  }

  /** The others took this process for dead (a long pause): claim its live screens again. */
  private rejoin(): void {
    const { repo, processId } = this.options;
    repo.register(processId, this.now().toISOString());
    const screens = this.options.connectedHere();
    this.log.warn({ screens: screens.length }, 'heartbeat row was swept; claiming screens again');
    for (const deviceId of screens) this.onDeviceConnected(deviceId);
  }

  private claim(deviceId: string): void {
    try {
      this.options.repo.claim(deviceId, this.options.processId, this.now().toISOString());
    } catch (error) {
      this.log.error({ deviceId, err: (error as Error).message }, 'screen claim not stored');
    }
  }

  /** True when this process held the screen (or the store cannot tell: act as one process would). */
  private release(deviceId: string): boolean {
    try {
      return this.options.repo.release(deviceId, this.options.processId);
    } catch (error) {
      this.log.error({ deviceId, err: (error as Error).message }, 'screen release not stored');
      return true;
    }
  }
}
