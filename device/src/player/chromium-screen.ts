import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig, DesiredDocument, TelemetrySample } from '@gatecast/protocol';
import { AnnouncementReceipts } from '../announcements/announcement-receipts.js';
import { shownFromReport } from '../announcements/shown-from-report.js';
import type { Indicator } from '../commands/indicator.js';
import type { Clock } from '../lib/clock.js';
import type { EventBody } from '../lib/device-event.js';
import { motionExpected } from '../display-check/motion-expected.js';
import type { CacheStatus, MediaCache } from '../media/media-types.js';
import type { Screen } from '../reconcile/screen.js';
import { evaluateSchedule, type ClockState } from '@gatecast/protocol/schedule';
import { isClockTrusted } from '@gatecast/protocol/schedule';
import type { BrowserSession } from './chromium/browser-session.js';
import {
  ChromiumSupervisor,
  type SupervisorOptions,
  type SupervisorStats,
} from './chromium/chromium-supervisor.js';
import { PackageShelf } from './package-shelf.js';
import { buildPagePlan, type PagePlan } from './page-plan.js';
import { parsePageReport } from './page-report.js';
import { PlayTracker } from './play-tracker.js';
import { PlayerServer } from './player-server.js';
import { launchPlayerBrowser, preloadBrowserDriver } from './launch-player.js';
import { mediaNeeded } from './media-needs.js';
import { ScheduleTimer } from './schedule-timer.js';
import { SerialRunner } from './serial-runner.js';
import type { ScreenState } from './screen-state.js';
import { buildKioskPlan, earliest, nextCounterChange } from '../kiosk/kiosk-plan.js';
import { KioskUsage } from '../kiosk/kiosk-usage.js';

export interface ChromiumScreenOptions {
  player: AgentConfig['player'];
  dataDir: string;
  media: MediaCache;
  clock: Clock;
  log: Logger;
  /** Proof of play and player errors, as device events. */
  onEvent(body: EventBody): void;
  /** Called whenever what the player adds to the reported state changes (also `onStateChange`). */
  onState?(state: ScreenState): void;
  /** The clock is not trusted before this (a board without RTC boots in 1970). */
  buildTime?: Date;
  /** Whether NTP has synchronised the clock; null when the system cannot tell. */
  clockSynchronized?(): boolean | null;
  /** Heartbeat and memory timings; tests shorten them. */
  supervision?: Pick<
    SupervisorOptions,
    'heartbeatIntervalMs' | 'heartbeatTimeoutMs' | 'memorySampleMs' | 'memoryPolicy'
  >;
  /** Lookup kiosk timings; tests shorten them. */
  kiosk?: { idleMs?: number; usageFlushMs?: number };
}

/** Kiosk use is sent hourly: the report needs no finer grain, and fewer events mean less to link. */
const USAGE_FLUSH_MS = 3_600_000;

/** Before any real deployment; a clock earlier than this is certainly wrong. */
const DEFAULT_BUILD_TIME = new Date('2026-01-01T00:00:00Z');
const BINDING = 'gatecastReport';

/**
 * The Screen on a real display: schedule evaluated on the device, media from the local cache,
 * and a supervised kiosk Chromium showing the player page. The fleet can be gone for days.
 */
export class ChromiumScreen implements Screen, Indicator {
  private readonly log: Logger;
  private readonly server: PlayerServer;
  private readonly supervisor: ChromiumSupervisor;
  private readonly packages: PackageShelf;
  private readonly timer: ScheduleTimer;
  private desired: DesiredDocument | null = null;
  private planId: string | null = null;
  private plan: PagePlan | null = null;
  private browserLocale: string | null = null;
  private readonly sync = new SerialRunner(() => this.syncOnce());
  private cache: CacheStatus | null = null;
  private readonly tracker = new PlayTracker();
  private started = false;
  private readonly listeners: Array<(state: ScreenState) => void> = [];
  private readonly receipts: AnnouncementReceipts;
  private readonly usage: KioskUsage;
  private usageTimer: NodeJS.Timeout | null = null;
  /** The kiosk app or a counter page is over the zones (the page says so). */
  private covered = false;

  constructor(private readonly options: ChromiumScreenOptions) {
    this.log = options.log.child({ mod: 'player' });
    this.packages = new PackageShelf(join(options.dataDir, 'packages'), options.log);
    this.server = new PlayerServer({
      port: options.player.pagePort,
      webOrigins: () => this.webOrigins(),
      mediaPath: (sha256) => options.media.pathOf(sha256),
      packageDir: (sha256) => this.packages.dirOf(sha256),
      log: options.log,
    });
    this.supervisor = new ChromiumSupervisor({
      ...options.supervision,
      log: options.log,
      launch: (onLost) => this.launch(onLost),
      onUp: () => this.changed(),
      onDown: (cause, detail) => this.browserDown(cause, detail),
    });
    this.timer = new ScheduleTimer(() => this.refresh());
    this.usage = new KioskUsage(options.clock.now());
    // Render receipts: the first showing of each announcement, with a hash of what was on screen.
    this.receipts = new AnnouncementReceipts({
      file: join(options.dataDir, 'announcements-shown.json'),
      capture: () => this.screenshotAfterPaint(),
      emit: (body) => options.onEvent(body),
      log: options.log,
    });
  }

  get chromium(): SupervisorStats {
    return { ...this.supervisor.stats };
  }

  get state(): ScreenState {
    return this.tracker.state(this.cache);
  }

  get session(): BrowserSession | null {
    return this.supervisor.current;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    preloadBrowserDriver();
    // A port in use fails this start only: the next show() tries again and reports the error.
    await this.server.start().catch((error: unknown) => {
      this.started = false;
      throw error;
    });
    this.timer.start();
    this.usageTimer = setInterval(
      () => this.flushUsage(),
      this.options.kiosk?.usageFlushMs ?? USAGE_FLUSH_MS,
    );
    this.log.info({ origin: this.server.origin }, 'player page server started');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.timer.stop();
    if (this.usageTimer) clearInterval(this.usageTimer);
    this.usageTimer = null;
    this.flushUsage();
    await this.supervisor.stop();
    await this.sync.close();
    await this.server.stop();
  }

  async show(desired: DesiredDocument): Promise<void> {
    if (!this.started) await this.start();
    this.desired = desired;
    // Readiness belongs to this document: never report the previous one's cache as this one's.
    this.cache = this.options.media.status(mediaNeeded(desired, this.clockState()));
    this.refresh();
    this.ensureBrowser(desired);
    this.sync.request();
  }

  onStateChange(listener: (state: ScreenState) => void): void {
    this.listeners.push(listener);
  }

  /** The `restart-browser` command, or display recovery (which says why). */
  restartBrowser(detail = 'restart requested'): void {
    this.supervisor.restart('reload', detail);
  }

  /** The `identify` command: the screen's name and id over everything, for `durationSec`. */
  async identify(durationSec: number, _until?: Date): Promise<void> {
    const page = this.supervisor.current?.page;
    if (!page) throw new Error('the player is not running');
    const device = this.desired ? `${this.desired.device.name}\n${this.desired.deviceId}` : 'gatecast';
    const call = `window.gatecastPlayer.identify(${JSON.stringify(device)}, ${Number(durationSec)})`;
    await page.evaluate(call);
  }

  /** The `reload` command: the page starts again from its plan; the browser stays. */
  async reload(): Promise<void> {
    await this.supervisor.current?.page.reload({ waitUntil: 'domcontentloaded' });
  }

  /** A PNG of what the page shows now, or null without a browser. */
  async screenshot(): Promise<Buffer | null> {
    const page = this.supervisor.current?.page;
    if (!page) return null;
    return Buffer.from(await page.screenshot({ type: 'png' }));
  }

  /** The screenshot once the page has painted what it just started (two animation frames). */
  private async screenshotAfterPaint(): Promise<Buffer | null> {
    const page = this.supervisor.current?.page;
    if (!page) return null;
    // Bounded: a page that is not painting (hidden, hung) must not hold the receipt back.
    const frames =
      'new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(() => done(true))); setTimeout(() => done(false), 500); })';
    await page.evaluate(frames).catch(() => undefined);
    return this.screenshot();
  }

  /** A small PNG of the page for display assurance: rendered `width` pixels wide, so it is cheap. */
  async captureLowRes(width = 64): Promise<Buffer | null> {
    const page = this.supervisor.current?.page;
    if (!page) return null;
    const cdp = await page.createCDPSession();
    try {
      const { cssLayoutViewport: view } = await cdp.send('Page.getLayoutMetrics');
      const clip = { x: 0, y: 0, width: view.clientWidth, height: view.clientHeight };
      const shot = await cdp.send('Page.captureScreenshot', {
        format: 'png',
        clip: { ...clip, scale: width / Math.max(1, view.clientWidth) },
        captureBeyondViewport: false,
      });
      return Buffer.from(shot.data, 'base64');
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  }

  /** The page shows its plan: a black screen now is a fault, not a browser still starting. */
  contentExpected(): boolean {
    return this.desired !== null && this.supervisor.current !== null && this.tracker.state(null).playing;
  }

  /** A video or a ticker is on screen: the picture should change between captures. */
  motionExpected(): boolean {
    // A kiosk page or a counter page stands still by nature; only an announcement is over it.
    const announcing = this.plan?.zones.some((zone) => zone.layer === 'announcement') ?? false;
    if (this.covered && !announcing) return false;
    return motionExpected(this.plan, this.tracker.state(null));
  }

  /** The telemetry `player` block: the browser's health and the page's JS heap. */
  async playerTelemetry(): Promise<NonNullable<TelemetrySample['player']>> {
    const { up, restarts, lastCause } = this.supervisor.stats;
    const jsHeapBytes = (await this.supervisor.current?.heapBytes().catch(() => null)) ?? null;
    return { up, restarts, lastCause: lastCause?.slice(0, 200) ?? null, jsHeapBytes };
  }

  private webOrigins(): string[] {
    return this.options.player.webAllowList.map((url) => new URL(url).origin);
  }

  private clockState(): ClockState {
    const now = this.options.clock.now();
    const synchronized = this.options.clockSynchronized?.() ?? null;
    const buildTime = this.options.buildTime ?? DEFAULT_BUILD_TIME;
    return { now, trusted: isClockTrusted({ now, buildTime, synchronized }) };
  }

  /** Evaluates the schedule now; the page hears of it only when its plan actually changed. */
  private refresh(): void {
    const desired = this.desired;
    if (!desired) return;
    const clock = this.clockState();
    const schedule = evaluateSchedule(desired, clock);
    const cached = (sha256: string): boolean => this.options.media.pathOf(sha256) !== null;
    const kiosk =
      desired.device.profile === 'signage'
        ? undefined
        : buildKioskPlan(desired, { now: clock.now, cached, idleMs: this.options.kiosk?.idleMs });
    const plan = buildPagePlan(
      desired,
      schedule,
      {
        media: cached,
        htmlPackage: (sha256) => this.packages.dirOf(sha256) !== null,
        web: (url) => this.webOrigins().includes(new URL(url).origin),
      },
      kiosk,
    );
    // A pushed counter page leaves at its `until` by itself, like a schedule entry ends.
    this.timer.wakeAt(earliest(schedule.nextChangeAt, nextCounterChange(desired, clock.now)), clock.now);
    if (plan.id === this.planId) return;
    this.planId = plan.id;
    this.plan = plan;
    this.server.setPlan(plan);
    this.log.info({ planId: plan.id, zones: plan.zones.map((zone) => zone.zone) }, 'new plan for the page');
    void this.pushPlan();
  }

  private async pushPlan(): Promise<void> {
    const page = this.supervisor.current?.page;
    if (!page) return; // a page that starts later fetches the plan itself
    await page
      .evaluate('window.gatecastPlayer && window.gatecastPlayer.reloadPlan()')
      .catch((error: Error) => {
        this.log.debug({ err: error.message }, 'plan push failed; the page polls');
      });
  }

  private ensureBrowser(desired: DesiredDocument): void {
    const locale = desired.display.locale;
    if (this.browserLocale === null) {
      this.browserLocale = locale;
      this.supervisor.start();
    } else if (this.browserLocale !== locale) {
      this.browserLocale = locale;
      this.supervisor.restart('reload', `locale changed to ${locale}`);
    }
  }

  private launch(onLost: Parameters<SupervisorOptions['launch']>[0]): Promise<BrowserSession> {
    const desired = this.desired;
    return launchPlayerBrowser({
      player: this.options.player,
      dataDir: this.options.dataDir,
      locale: this.browserLocale ?? 'vi',
      languages: desired?.display.languages ?? [],
      pageUrl: `${this.server.origin}/`,
      webOrigins: () => this.webOrigins(),
      bindingName: BINDING,
      onReport: (report) => this.onPageReport(report),
      onLost,
      log: this.options.log,
    });
  }

  private browserDown(cause: string, detail: string): void {
    this.covered = false;
    this.tracker.browserDown(cause, detail);
    this.changed();
  }

  private onPageReport(input: unknown): void {
    const parsed = parsePageReport(input);
    if (!parsed.ok) return this.log.warn({ reason: parsed.reason }, 'page report dropped');
    const report = parsed.report;
    if (report.type === 'kiosk-view') return this.usage.view(report.nodeId, report.language);
    if (report.type === 'kiosk-search-miss') return this.usage.failedSearch(report.term, report.language);
    if (report.type === 'kiosk-cover') {
      this.covered = report.covered;
      return;
    }
    if (report.type === 'error') {
      this.log.warn({ zone: report.zone, itemId: report.itemId, reason: report.message }, 'item failed');
    }
    if (report.type === 'start') this.supervisor.playing();
    const outcome = this.tracker.onReport(report);
    const shown = shownFromReport(report, this.plan);
    if (shown) void this.receipts.shown(shown);
    if (outcome.proof) this.options.onEvent(outcome.proof);
    if (outcome.quiet) this.supervisor.quietMoment();
    if (outcome.changed) this.changed();
  }

  /** The kiosk counts since the last flush, as one anonymous event through the durable queue. */
  private flushUsage(): void {
    const body = this.usage.flush(this.options.clock.now());
    if (body) this.options.onEvent(body);
  }

  private changed(): void {
    const state = this.state;
    this.options.onState?.(state);
    for (const listener of this.listeners) listener(state);
  }

  /** Downloads what now and the next 24 h need; the plan is refreshed as files become ready. */
  private async syncOnce(): Promise<void> {
    const desired = this.desired;
    if (!desired) return;
    try {
      const needed = mediaNeeded(desired, this.clockState());
      this.cache = await this.options.media.sync(needed);
      await this.packages.unpackAll(desired, (sha256) => this.options.media.pathOf(sha256));
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'media sync failed');
    }
    if (!this.started) return;
    this.refresh();
    this.changed();
    if (this.cache && !this.cache.ready) this.timer.retrySyncIn(60_000, () => this.sync.request());
  }
}
