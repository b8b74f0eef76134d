import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  encodePayload,
  type AgentConfig,
  type CommandRequest,
  type DesiredDocument,
  type ParsedMessage,
  type RejectedMessage,
} from '@gatecast/protocol';
import { createCommandHandlers } from './commands/command-handlers.js';
import { createCommandRouter } from './commands/command-router.js';
import { DeferredTasks } from './commands/deferred-tasks.js';
import { createLoggingIndicator, type Indicator } from './commands/indicator.js';
import type { DisplayCheckOptions } from './display-check/display-check.js';
import { watchPlayerDisplay, withDisplayProblems } from './display-check/player-display.js';
import { DurableEventQueue } from './events/durable-queue.js';
import { FleetClient } from './fleet-http/fleet-client.js';
import { createClockSync, type ClockSync } from './hardware/clock-sync.js';
import { createCecDisplayPower, type DisplayPower } from './hardware/display-power.js';
import { createSystemdRebooter, type Rebooter } from './hardware/rebooter.js';
import {
  createStallMonitor,
  startSystemdWatchdog,
  type StallMonitor,
  type SystemdNotifier,
  type SystemdWatchdog,
} from './hardware/systemd-watchdog.js';
import { createChangeWatcher } from './health/change-watcher.js';
import { createClockOffsetProbe } from './health/clock-offset.js';
import { notifyingDisplayPower } from './health/display-power-watch.js';
import { createHealthReporter } from './health/health-reporter.js';
import { hostFiles } from './health/host-files.js';
import { createHostTelemetry, type HostProbeOptions } from './health/host-telemetry.js';
import type { HealthSampler } from './health/readings.js';
import { chromiumScreenTelemetry } from './health/screen-telemetry.js';
import { readBuildTime } from './lib/build-info.js';
import { systemClock, type Clock } from './lib/clock.js';
import { makeEvent } from './lib/device-event.js';
import { withTimeout } from './lib/with-timeout.js';
import { readAgentVersion } from './lib/version.js';
import { createMqttLink, type MqttLink } from './link/mqtt-link.js';
import { createMediaCache, type MediaCache } from './media/media-cache.js';
import { ChromiumScreen, type ChromiumScreenOptions } from './player/chromium-screen.js';
import { mergeScreenState } from './player/screen-state.js';
import { createReconciler } from './reconcile/reconciler.js';
import { createLoggingScreen, type Screen } from './reconcile/screen.js';
import { createAgentSelfTest } from './self-test/agent-self-test.js';
import type { SelfTestProbes } from './self-test/probes.js';
import { createDesiredStore } from './state/desired-store.js';
import { announcementShowing } from './update/announcement-showing.js';
import { showsContent } from './update/health-gate.js';
import { findInstallRoot } from './update/install-root.js';
import { createUpdater, type UpdateTiming } from './update/updater.js';

export interface AgentOptions {
  config: AgentConfig;
  log: Logger;
  /** Hardware and display edges; the defaults only log until the player exists. */
  screen?: Screen;
  indicator?: Indicator;
  /** systemd and HDMI-CEC by default; tests hand in fakes. */
  rebooter?: Rebooter;
  displayPower?: DisplayPower;
  /** How often the screen is captured and judged (30 s by default); tests shorten it. */
  displayCheck?: Pick<DisplayCheckOptions, 'intervalMs' | 'settleMs' | 'policy'>;
  sampler?: HealthSampler;
  /**
   * The host probes (sysfs, /proc, vcgencmd) and the change watcher: sysfs read every `watchMs`
   * (5 s), at most one extra sample per `minGapMs` (5 s). Tests point the roots at fake trees.
   */
  health?: HostProbeOptions & { watchMs?: number; minGapMs?: number };
  clock?: Clock;
  /** Clock trust inputs for the schedule: NTP state through `timedatectl`, and the agent's build time. */
  clockSync?: ClockSync;
  buildTime?: Date;
  /** For the reconnect jitter; tests may pin it. */
  random?: () => number;
  /** The running release's version; by default the package's (or, in a release, its release.json). */
  agentVersion?: string;
  /** How the agent asks to be started again (after an update or a rollback); main.ts exits with 75. */
  restarter?: Restarter;
  /** Self-update retry and polling intervals; tests shorten them. */
  updateTiming?: Partial<UpdateTiming>;
  /** The commissioning self-test's edges; by default the host probes' roots and the agent's CEC and NTP. */
  selfTest?: SelfTestProbes;
  /** systemd's notification socket and watchdog: process.env and `systemd-notify` by default. */
  systemd?: { env?: NodeJS.ProcessEnv; notifier?: SystemdNotifier };
}

/** Applying a document takes milliseconds; this long means the agent is wedged and the watchdog starves. */
const APPLY_STALL_LIMIT_MS = 5 * 60_000;

/** The agent cannot restart itself in place: it asks whoever runs it (systemd through main.ts). */
export interface Restarter {
  requestRestart(reason: string): void;
}

export interface Agent {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the agent's parts; nothing happens until `start()`. */
export function createAgent(options: AgentOptions): Agent {
  const { config } = options;
  const log = options.log.child({ mod: 'agent' });
  const clock = options.clock ?? systemClock;
  const agentVersion = options.agentVersion ?? readAgentVersion();
  const buildTime = options.buildTime ?? readBuildTime();
  const restarter: Restarter = options.restarter ?? {
    requestRestart: (reason) => log.warn({ reason }, 'restart requested, but nothing restarts this agent'),
  };
  const events = new DurableEventQueue({ dir: join(config.dataDir, 'events'), log: options.log, clock });
  const link = createMqttLink({
    config,
    agentVersion,
    log: options.log,
    clock,
    random: options.random,
    events,
    onMessage: (message) => route(message),
    onRejected: (rejected, raw) => answerRejected(rejected, raw),
    onConnected: () => {
      void health.sampleNow();
      selfTest.linkUp();
    },
  });
  const send: MqttLink['send'] = (kind, payload) => link.send(kind, payload);
  const clockSync = options.clockSync ?? createClockSync(options.log);
  const player = options.screen
    ? null
    : createPlayer(config, options.log, send, {
        clock,
        buildTime,
        clockSynchronized: () => clockSync.synchronized(),
      });
  // Switching the TV is a change worth a sample at once.
  const displayPower = notifyingDisplayPower(
    options.displayPower ?? createCecDisplayPower(options.log),
    (reason) => watcher.notify(reason),
  );
  const selfTest = createAgentSelfTest({
    config,
    agentVersion,
    clock,
    log: options.log,
    probes: {
      sysRoot: options.health?.sysRoot,
      procRoot: options.health?.procRoot,
      addresses: options.health?.addresses,
      ssid: options.health?.ssid,
      cec: displayPower,
      clockSync,
      ...options.selfTest,
    },
    emit: (report) => send('events', makeEvent(clock, { kind: 'self-test', report })),
  });
  const display = player
    ? watchPlayerDisplay(player.screen, {
        intervalMs: config.player.displayCheckSec * 1000,
        ...options.displayCheck,
        clock,
        log: options.log,
        power: displayPower,
        onEvent: (body) => send('events', makeEvent(clock, body)),
        onChange: () => {
          report();
          watcher.notify('display verdict');
        },
      })
    : null;
  // The player's view (playing, its errors, the display's) and the self-update are merged into
  // every report the reconciler makes.
  const reported = () => {
    const merged = mergeScreenState(
      reconciler.reported,
      player ? withDisplayProblems(player.screen.state, display) : null,
    );
    const update = updater.status;
    return update ? { ...merged, update } : merged;
  };
  const report = (): void => link.setReported(reported());
  player?.screen.onStateChange(report);

  const applying = createStallMonitor('applying a desired document', APPLY_STALL_LIMIT_MS);
  let watchdog: SystemdWatchdog | null = null;
  const reconciler = createReconciler({
    deviceId: config.deviceId,
    agentVersion,
    store: createDesiredStore({ dataDir: config.dataDir, log: options.log }),
    screen: offeringTo(
      options.screen ?? player?.screen ?? createLoggingScreen(options.log),
      (desired) => updater.offer(desired),
      applying,
    ),
    clock,
    log: options.log,
    onReported: () => report(),
    onEvent: (event) => send('events', event),
  });
  const updater = createUpdater({
    dataDir: config.dataDir,
    installRoot: findInstallRoot(config.updates.installRoot),
    runningVersion: agentVersion,
    updates: config.updates,
    clock,
    buildTime,
    log: options.log,
    probe: {
      connected: () => link.connected,
      showingContent: () => showsContent(reported().phase, player !== null),
    },
    announcementShowing: (desired) =>
      announcementShowing(desired, { now: clock.now(), buildTime, synchronized: clockSync.synchronized() }),
    headers: fleetCredentials(config),
    emitEvent: (event) => events.append({ id: event.id, payload: encodePayload('events', event) }),
    onStatus: () => report(),
    requestRestart: (reason) => restarter.requestRestart(reason),
    ...(options.updateTiming ? { timing: options.updateTiming } : {}),
  });
  // Work that must wait for a command's answer to leave (reboot).
  const deferred = new DeferredTasks((error) =>
    log.error({ err: error.message }, 'deferred command work failed'),
  );
  const router = createCommandRouter({
    handlers: createCommandHandlers({
      agentVersion,
      clock,
      indicator: options.indicator ?? player?.screen ?? createLoggingIndicator(options.log),
      player: player?.screen ?? null,
      uploader:
        config.fleetUrl === undefined
          ? null
          : new FleetClient({ ...config, fleetUrl: config.fleetUrl, log: options.log }),
      rebooter: options.rebooter ?? createSystemdRebooter(options.log),
      display: displayPower,
      deferred,
      selfTest,
      appliedVersion: () => reconciler.appliedVersion,
      uptimeSec: () => Math.round(process.uptime()),
    }),
    clock,
    log: options.log,
  });
  const host = createHostTelemetry({
    ...options.health,
    dataDir: config.dataDir,
    clockSynced: () => clockSync.synchronized(),
    clockOffset: createClockOffsetProbe({ fleetUrl: config.fleetUrl, clock }),
  });
  const health = createHealthReporter({
    sampler: options.sampler ?? lazySystemSampler(config.dataDir, options.log),
    intervalSec: config.healthIntervalSec,
    agentVersion,
    clock,
    log: options.log,
    publish: (sample) => send('telemetry', sample),
    host,
    ...(player && display
      ? {
          screen: chromiumScreenTelemetry(
            player.screen,
            display,
            hostFiles(options.health?.procRoot ?? '/proc'),
          ),
        }
      : {}),
  });
  // Between interval samples, a flag that matters (power, HDMI, network, read-only data) sends one at once.
  const watcher = createChangeWatcher({
    readKey: () => host.watchKey(),
    onChange: () => void health.sampleFresh(),
    pollMs: options.health?.watchMs ?? 5_000,
    minGapMs: options.health?.minGapMs ?? 5_000,
    log: options.log,
  });
  function route(message: ParsedMessage): void {
    if (message.kind === 'desired') void reconciler.offer(message.payload);
    if (message.kind === 'cmd/req') void answer(message.payload);
  }

  async function answer(request: CommandRequest): Promise<void> {
    send('cmd/res', await router.handle(request));
    deferred.answered(request.id);
  }

  function answerRejected(rejected: RejectedMessage, raw: Buffer): void {
    const result = router.answerRejected(rejected, raw);
    if (result) send('cmd/res', result);
  }

  return {
    async start() {
      log.info({ agentVersion, dataDir: config.dataDir }, 'agent starting');
      send('events', makeEvent(clock, { kind: 'agent-started', agentVersion }));
      await mkdir(config.dataDir, { recursive: true, mode: 0o700 }).catch((error: Error) =>
        log.error({ dataDir: config.dataDir, err: error.message }, 'cannot create the data directory'),
      );
      // Before anything can emit an event: what the last run left is sent first. The NTP state is
      // known before the saved document is evaluated. The player's page server starts (and its
      // browser driver loads) meanwhile: the first picture waits on none of the rest (B10).
      await Promise.all([
        events.start(),
        player?.media.start(),
        player ? clockSync.refresh() : undefined,
        player?.screen.start().catch((error: Error) => {
          log.warn({ err: error.message }, 'player page server did not start; retried with the document');
        }),
      ]);
      // What a previous run left of an update (a health gate to pass, a rollback to finish) comes
      // before the saved document, which offers its release to the updater.
      await updater.start();
      // The saved state goes on screen first: the fleet may be out of reach for a long time.
      await reconciler.start();
      await link.start();
      health.start();
      watcher.start();
      display?.start();
      // Started: systemd (Type=notify) hears READY=1 and the watchdog is fed while the agent works.
      watchdog = startSystemdWatchdog({
        log: options.log,
        healthy: () => applying.problem(),
        ...options.systemd,
      });
      watchdog.ready();
    },
    async stop() {
      log.info('agent stopping');
      selfTest.stop();
      // STOPPING=1 is a courtesy; a stuck systemd-notify must not eat the stop's time budget.
      if (watchdog) await withTimeout(watchdog.stop(), 2_000, undefined);
      await updater.stop();
      watcher.stop();
      await health.stop();
      await display?.stop();
      deferred.stop();
      await reconciler.stop();
      await player?.screen.stop();
      await player?.media.stop();
      await link.stop();
      await events.stop();
      log.info('agent stopped');
    },
  };
}

/** The reconciler's screen, which also hands every accepted document to the updater, and is timed. */
function offeringTo(
  screen: Screen,
  offer: (desired: DesiredDocument) => void,
  applying: StallMonitor,
): Screen {
  return {
    show(desired) {
      offer(desired);
      return applying.track(screen.show(desired));
    },
  };
}

/** With `player.mode: chromium`, the kiosk player and its media cache; null leaves the logging screen. */
function createPlayer(
  config: AgentConfig,
  log: Logger,
  send: MqttLink['send'],
  time: Pick<ChromiumScreenOptions, 'clock' | 'buildTime' | 'clockSynchronized'>,
): { screen: ChromiumScreen; media: MediaCache } | null {
  if (config.player.mode !== 'chromium') return null;
  const media = createMediaCache({
    dir: join(config.dataDir, 'media'),
    quotaBytes: config.player.cacheQuotaMb * 1024 * 1024,
    log,
    headers: fleetCredentials(config),
  });
  const screen = new ChromiumScreen({
    player: config.player,
    dataDir: config.dataDir,
    media,
    ...time,
    log,
    onEvent: (body) => send('events', makeEvent(time.clock, body)),
  });
  return { screen, media };
}

/**
 * systeminformation is loaded at the first sample, not at start-up: it is not needed to put the
 * first picture on screen (B10, start → first content).
 */
function lazySystemSampler(dataDir: string, log: Logger): HealthSampler {
  let sampler: Promise<HealthSampler> | null = null;
  return {
    async read() {
      sampler ??= import('./health/system-sampler.js').then((m) => m.createSystemSampler({ dataDir, log }));
      return (await sampler).read();
    },
  };
}

/** The device's Basic credentials, for media on the fleet's own origin only (never a third party's). */
function fleetCredentials(config: AgentConfig): (url: URL) => Record<string, string> {
  const origin = config.fleetUrl === undefined ? null : new URL(config.fleetUrl).origin;
  const authorization = `Basic ${Buffer.from(`${config.deviceId}:${config.secret}`).toString('base64')}`;
  return (url): Record<string, string> => (url.origin === origin ? { authorization } : {});
}
