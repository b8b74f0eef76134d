import type { Logger } from 'pino';

/** Receives the id of a device whose presence, reported state or telemetry changed. */
export type DeviceChangeListener = (deviceId: string) => void;

export interface FleetEventsOptions {
  log: Logger;
  /** At most one notification per device per interval; later changes fold into one trailing one. */
  minIntervalMs?: number;
  now?: () => number;
}

interface Pending {
  lastAt: number;
  timer: NodeJS.Timeout | null;
  /** A change made here is folded in: the other processes of a cluster are told too. */
  relay: boolean;
}

const DEFAULT_MIN_INTERVAL_MS = 1_000;

/**
 * Tells live views (the dashboard stream) which device changed. Listeners get only the id and read
 * the current state themselves, so a trailing notification always carries the latest picture.
 * Throttled per device: a screen sending telemetry in a burst costs one update per second, not one
 * per message. With nobody listening it does nothing, so the broker's hot path stays cheap.
 */
export class FleetEvents {
  private readonly log: Logger;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly listeners = new Set<DeviceChangeListener>();
  private readonly pending = new Map<string, Pending>();
  /** Set in a cluster: tells the other processes (cluster/cluster-events.ts). */
  private relay: DeviceChangeListener | null = null;

  constructor(options: FleetEventsOptions) {
    this.log = options.log.child({ mod: 'fleet-events' });
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: DeviceChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** A cluster's processes each keep their own listeners; this hands local changes to the others. */
  relayTo(relay: DeviceChangeListener | null): void {
    this.relay = relay;
  }

  deviceChanged(deviceId: string): void {
    if (this.listeners.size === 0 && !this.relay) return;
    this.track(deviceId, this.relay !== null);
  }

  /** A change another process of the cluster stored: local listeners only, never relayed back. */
  deviceChangedElsewhere(deviceId: string): void {
    if (this.listeners.size === 0) return;
    this.track(deviceId, false);
  }

  private track(deviceId: string, relay: boolean): void {
    const entry = this.pending.get(deviceId) ?? {
      lastAt: Number.NEGATIVE_INFINITY,
      timer: null,
      relay: false,
    };
    entry.relay ||= relay;
    this.pending.set(deviceId, entry);
    if (entry.timer) return; // already folded into the trailing notification
    const wait = entry.lastAt + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.emit(deviceId, entry);
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.emit(deviceId, entry);
    }, wait);
    entry.timer.unref();
  }

  /** Drops pending notifications and listeners; nothing is delivered after this. */
  stop(): void {
    for (const entry of this.pending.values()) if (entry.timer) clearTimeout(entry.timer);
    this.pending.clear();
    this.listeners.clear();
    this.relay = null;
  }

  private emit(deviceId: string, entry: Pending): void {
    entry.lastAt = this.now();
    if (entry.relay) {
      entry.relay = false;
      this.deliver(deviceId, this.relay, 'device change not relayed');
    }
    for (const listener of [...this.listeners])
      this.deliver(deviceId, listener, 'device change listener failed');
  }

  private deliver(deviceId: string, listener: DeviceChangeListener | null, failure: string): void {
    if (!listener) return;
    try {
      listener(deviceId);
    } catch (error) {
      // A broken listener costs its own update, never the broker's loop or the other listeners.
      this.log.error({ deviceId, err: (error as Error).message }, failure);
    }
  }
}
