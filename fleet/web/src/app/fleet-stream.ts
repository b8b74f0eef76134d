import type { ApiClient } from '../api/client.js';
import type { DeviceView, Gate } from '../api/types.js';
import { fromSnapshot, parseDeviceEvent } from '../model/device-map.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface FleetStreamListener {
  /** A full load: every gate and device the user may see. */
  loaded(gates: Gate[], devices: Map<string, DeviceView>): void;
  /** Devices that changed since the last call, oldest first. */
  updated(devices: DeviceView[]): void;
  live(state: LiveState): void;
  failed(error: unknown): void;
}

/** Updates arriving within this window are applied in one render: thousands of screens stay cheap. */
const FLUSH_MS = 250;
/** When the stream was refused (not just dropped), try again after this long. */
const RETRY_MS = 5_000;
/**
 * A tab hidden this long lets its stream go. Browsers allow about six connections per server over
 * HTTP/1.1; streams held by background tabs would otherwise stall the tab in front.
 */
const HIDDEN_CLOSE_MS = 30_000;

/**
 * Keeps the dashboard's picture of the fleet current: lists loaded on every (re)connection of
 * `/api/v1/stream`, so nothing missed while disconnected stays wrong, and the stream's updates
 * applied on top, including those that arrive while a load is under way.
 */
export class FleetStream {
  private source: EventSource | null = null;
  private duringLoad: DeviceView[] | null = null;
  private pending: DeviceView[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly api: ApiClient,
    private readonly listener: FleetStreamListener,
  ) {}

  start(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.disconnect();
    clearTimeout(this.flushTimer);
    clearTimeout(this.hiddenTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
  }

  private connect(): void {
    this.retryTimer = undefined;
    const stream = new EventSource('/api/v1/stream');
    this.source = stream;
    stream.addEventListener('device', this.onDevice);
    stream.onopen = () => {
      this.listener.live('live');
      void this.load();
    };
    stream.onerror = () => {
      if (this.source !== stream) return; // closed on purpose
      this.listener.live('reconnecting');
      if (stream.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      // Refused outright (session ended, too many streams): the load signs out on a 401.
      this.disconnect();
      void this.load();
      if (!this.stopped) this.retryTimer = setTimeout(() => this.connect(), RETRY_MS);
    };
  }

  private disconnect(): void {
    this.source?.close();
    this.source = null;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async load(): Promise<void> {
    const arrived: DeviceView[] = [];
    this.duringLoad = arrived;
    try {
      const [gates, devices] = await Promise.all([
        this.api.get<{ gates: Gate[] }>('/api/v1/gates'),
        this.api.get<{ devices: DeviceView[] }>('/api/v1/devices'),
      ]);
      if (this.stopped || this.duringLoad !== arrived) return;
      this.listener.loaded(gates.gates, fromSnapshot(devices.devices, arrived));
    } catch (error) {
      if (!this.stopped) this.listener.failed(error);
    } finally {
      if (this.duringLoad === arrived) this.duringLoad = null;
    }
  }

  private readonly onDevice = (event: MessageEvent<string>) => {
    const device = parseDeviceEvent(event.data);
    if (!device) return;
    this.duringLoad?.push(device);
    this.pending.push(device);
    this.flushTimer ??= setTimeout(this.flush, FLUSH_MS);
  };

  private readonly flush = () => {
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.listener.updated(batch);
  };

  private resume(): void {
    clearTimeout(this.hiddenTimer);
    if (!this.source && !this.retryTimer && !this.stopped) {
      this.listener.live('reconnecting');
      this.connect();
    }
  }

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') return this.resume();
    this.hiddenTimer = setTimeout(() => this.disconnect(), HIDDEN_CLOSE_MS);
  };

  // Leaving the page, or entering the back/forward cache, frees the connection at once.
  private readonly onPageHide = () => this.disconnect();

  private readonly onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.resume();
  };
}
