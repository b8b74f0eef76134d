import type { ParsedMessage } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { BrokerHandlers, DisconnectCause } from '../broker/broker.js';
import type { PresenceRepo } from './presence-repo.js';
import { ScreenHolders } from './screen-holders.js';
import { ScreenTurns } from '../devices/screen-turns.js';

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
 *
 * The broker's handlers are synchronous and the store is not: each screen's claims and releases
 * run on a chain of their own, and the inner inbox is told only once they are stored. While a
 * screen's chain is busy its other messages queue behind it, so the inbox sees them in arrival
 * order; otherwise they pass straight through, as in a single process.
 */
export class ClusterPresence implements BrokerHandlers {
  private readonly options: ClusterPresenceOptions;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly staleMs: number;
  private readonly holders: ScreenHolders;
  private readonly turns: ScreenTurns;
  /** The last message's turn on its screen's chain, when it had to wait: its acknowledgement waits too. */
  private lastQueued: Promise<void> | null = null;
  private beating: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private othersAtStart = 0;

  constructor(options: ClusterPresenceOptions) {
    this.options = options;
    this.log = options.log.child({ mod: 'cluster-presence' });
    this.now = options.now ?? (() => new Date());
    this.staleMs = options.staleMs ?? 20_000;
    this.holders = new ScreenHolders(options.processId);
    this.turns = new ScreenTurns(this.log, 'screen presence not handled');
  }

  /**
   * Before the broker listens: a restarted process drops what its last run held, and screens
   * nobody holds (a crash of a single-process fleet, a process that died) go offline.
   */
  async start(): Promise<void> {
    const { repo, processId } = this.options;
    const dropped = await repo.forget(processId);
    this.othersAtStart = (await this.liveOthers()).length;
    await repo.register(processId, this.now().toISOString());
    if (dropped > 0) this.log.info({ screens: dropped }, 'screens held by the last run released');
    await this.sweep();
    // beat() logs its own failures and never rejects.
    this.timer = setInterval(() => void this.beat(), this.options.beatMs ?? 5_000);
    this.timer.unref();
  }

  /** No other live process when this one started: the cluster starts cold (retained state may be gone). */
  get firstToStart(): boolean {
    return this.othersAtStart === 0;
  }

  /**
   * Another live process holds the screen's connection: the claims read on the last heartbeat,
   * and this process's own since. Synchronous, for the broker's `isConnected`, so a screen that
   * moved to another process is seen here as connected there within one beat (5 s).
   */
  heldElsewhere(deviceId: string): boolean {
    return this.holders.heldElsewhere(deviceId);
  }

  /** After the broker stopped: its screens' disconnects are released, then this process leaves. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.settled();
    try {
      await this.options.repo.forget(this.options.processId);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'process row not removed; it goes stale by itself');
    }
  }

  /** Resolves once every screen's claims, releases and queued messages are through. */
  settled(): Promise<void> {
    return this.turns.settled();
  }

  /** One heartbeat and sweep; what the timer runs. A beat still under way is not doubled. */
  beat(): Promise<void> {
    this.beating ??= this.beatNow().finally(() => (this.beating = null));
    return this.beating;
  }

  onDeviceConnected(deviceId: string): void {
    this.holders.claimedHere(deviceId);
    // Claimed before stored online: a sweep elsewhere never sees it online and unheld.
    void this.turns.run(deviceId, async () => {
      await this.claim(deviceId);
      this.options.inner.onDeviceConnected(deviceId);
    });
  }

  onDeviceDisconnected(deviceId: string, cause: DisconnectCause): void {
    void this.turns.run(deviceId, async () => {
      if (await this.release(deviceId)) {
        this.options.inner.onDeviceDisconnected(deviceId, cause);
        return;
      }
      this.log.info({ deviceId, cause }, 'screen not held here (moved to another process); presence kept');
      this.holders.heldBy(deviceId, await this.options.repo.holder(deviceId));
    });
  }

  onDeviceMessage(message: ParsedMessage): void {
    const { deviceId } = message;
    this.lastQueued = null;
    if (message.kind === 'status' && message.payload.state === 'offline') {
      // In a cluster, the connection decides: its end marks the screen offline (if still held here).
      // An "offline" may be a will of an older session (moved on, or left behind by a dead process
      // and published minutes later by Aedes on a live one) while the screen is connected somewhere.
      this.log.debug({ deviceId }, 'offline status left to the connection');
      return;
    }
    if (message.kind === 'status') {
      this.lastQueued = this.turns.run(deviceId, async () => {
        await this.claim(deviceId);
        this.options.inner.onDeviceMessage(message);
      });
    } else if (this.turns.busy(deviceId)) {
      this.lastQueued = this.turns.run(deviceId, () => this.options.inner.onDeviceMessage(message));
    } else {
      this.options.inner.onDeviceMessage(message);
    }
  }

  /** The inner inbox decides when a message is stored, and so when it is acknowledged. */
  whenStored(done: () => void): void {
    const queued = this.lastQueued;
    this.lastQueued = null;
    // The broker asks right after onDeviceMessage: a queued message reaches the inbox later.
    if (!queued) return this.innerWhenStored(done);
    queued
      .then(() => this.innerWhenStored(done))
      .catch((error: unknown) => this.log.error({ err: (error as Error).message }, 'acknowledgement lost'));
  }

  /**
   * Processes silent for staleMs are forgotten; then every screen online but unheld goes offline,
   * and the claims are read once for heldElsewhere.
   */
  async sweep(): Promise<void> {
    const { repo, processId } = this.options;
    const before = this.staleBefore();
    for (const { processId: stale, beatAt } of await repo.processes()) {
      if (stale === processId || beatAt >= before) continue;
      const screens = await repo.forget(stale);
      this.log.warn({ process: stale, screens }, 'process stopped beating; its screens go offline');
    }
    const offline = await repo.markUnheldOffline(this.now().toISOString());
    if (offline.length > 0) this.log.info({ screens: offline.length }, 'screens nobody holds marked offline');
    for (const deviceId of offline) this.options.changed(deviceId);
    await this.holders.refresh(() => repo.holders());
  }

  private async beatNow(): Promise<void> {
    const { repo, processId } = this.options;
    try {
      if (!(await repo.beat(processId, this.now().toISOString()))) await this.rejoin();
      await this.sweep();
    } catch (error) {
      this.log.error({ err: (error as Error).message }, 'cluster heartbeat failed');
    }
  }

  private staleBefore(): string {
    return new Date(this.now().getTime() - this.staleMs).toISOString();
  }

  private async liveOthers(): Promise<string[]> {
    const before = this.staleBefore();
    return (await this.options.repo.processes())
      .filter((row) => row.processId !== this.options.processId && row.beatAt >= before)
      .map((row) => row.processId);
  }

  /** The others took this process for dead (a long pause): claim its live screens again. */
  private async rejoin(): Promise<void> {
    const { repo, processId } = this.options;
    await repo.register(processId, this.now().toISOString());
    const screens = this.options.connectedHere();
    this.log.warn({ screens: screens.length }, 'heartbeat row was swept; claiming screens again');
    for (const deviceId of screens) this.onDeviceConnected(deviceId);
    await Promise.all(screens.map((deviceId) => this.turns.of(deviceId)));
  }

  private innerWhenStored(done: () => void): void {
    const { inner } = this.options;
    if (inner.whenStored) inner.whenStored(done);
    else done();
  }

  private async claim(deviceId: string): Promise<void> {
    try {
      await this.options.repo.claim(deviceId, this.options.processId, this.now().toISOString());
    } catch (error) {
      this.log.error({ deviceId, err: (error as Error).message }, 'screen claim not stored');
    }
  }

  /** True when this process held the screen (or the store cannot tell: act as one process would). */
  private async release(deviceId: string): Promise<boolean> {
    try {
      return await this.options.repo.release(deviceId, this.options.processId);
    } catch (error) {
      this.log.error({ deviceId, err: (error as Error).message }, 'screen release not stored');
      return true;
    }
  }
}
