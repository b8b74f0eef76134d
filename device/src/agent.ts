import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig, CommandRequest, ParsedMessage, RejectedMessage } from '@gatecast/protocol';
import { createCommandHandlers } from './commands/command-handlers.js';
import { createCommandRouter } from './commands/command-router.js';
import { createLoggingIndicator, type Indicator } from './commands/indicator.js';
import { DurableEventQueue } from './events/durable-queue.js';
import { createHealthReporter } from './health/health-reporter.js';
import type { HealthSampler } from './health/readings.js';
import { createSystemSampler } from './health/system-sampler.js';
import { systemClock, type Clock } from './lib/clock.js';
import { makeEvent } from './lib/device-event.js';
import { readAgentVersion } from './lib/version.js';
import { createMqttLink, type MqttLink } from './link/mqtt-link.js';
import { createMediaCache, type MediaCache } from './media/media-cache.js';
import { ChromiumScreen } from './player/chromium-screen.js';
import { mergeScreenState } from './player/screen-state.js';
import { createReconciler } from './reconcile/reconciler.js';
import { createLoggingScreen, type Screen } from './reconcile/screen.js';
import { createDesiredStore } from './state/desired-store.js';

export interface AgentOptions {
  config: AgentConfig;
  log: Logger;
  /** Hardware and display edges; the defaults only log until the player exists. */
  screen?: Screen;
  indicator?: Indicator;
  sampler?: HealthSampler;
  clock?: Clock;
  /** For the reconnect jitter; tests may pin it. */
  random?: () => number;
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
  const agentVersion = readAgentVersion();
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
    onConnected: () => void health.sampleNow(),
  });
  const send: MqttLink['send'] = (kind, payload) => link.send(kind, payload);
  const player = options.screen ? null : createPlayer(config, options.log, clock, send);
  // The player's view (playing, its errors) is merged into every report the reconciler makes.
  const report = (): void =>
    link.setReported(mergeScreenState(reconciler.reported, player?.screen.state ?? null));
  player?.screen.onStateChange(report);

  const reconciler = createReconciler({
    deviceId: config.deviceId,
    agentVersion,
    store: createDesiredStore({ dataDir: config.dataDir, log: options.log }),
    screen: options.screen ?? player?.screen ?? createLoggingScreen(options.log),
    clock,
    log: options.log,
    onReported: () => report(),
    onEvent: (event) => send('events', event),
  });
  const router = createCommandRouter({
    handlers: createCommandHandlers({
      agentVersion,
      clock,
      indicator: options.indicator ?? player?.screen ?? createLoggingIndicator(options.log),
      appliedVersion: () => reconciler.appliedVersion,
      uptimeSec: () => Math.round(process.uptime()),
    }),
    clock,
    log: options.log,
  });
  const health = createHealthReporter({
    sampler: options.sampler ?? createSystemSampler({ dataDir: config.dataDir, log: options.log }),
    intervalSec: config.healthIntervalSec,
    agentVersion,
    clock,
    log: options.log,
    publish: (sample) => send('telemetry', sample),
  });
  function route(message: ParsedMessage): void {
    if (message.kind === 'desired') void reconciler.offer(message.payload);
    if (message.kind === 'cmd/req') void answer(message.payload);
  }

  async function answer(request: CommandRequest): Promise<void> {
    send('cmd/res', await router.handle(request));
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
      // Before anything can emit an event: what the last run left is sent first.
      await events.start();
      await player?.media.start();
      // The saved state goes on screen first: the fleet may be out of reach for a long time.
      await reconciler.start();
      await link.start();
      health.start();
    },
    async stop() {
      log.info('agent stopping');
      await health.stop();
      await reconciler.stop();
      await player?.screen.stop();
      await player?.media.stop();
      await link.stop();
      await events.stop();
      log.info('agent stopped');
    },
  };
}

/** With `player.mode: chromium`, the kiosk player and its media cache; null leaves the logging screen. */
function createPlayer(
  config: AgentConfig,
  log: Logger,
  clock: Clock,
  send: MqttLink['send'],
): { screen: ChromiumScreen; media: MediaCache } | null {
  if (config.player.mode !== 'chromium') return null;
  const media = createMediaCache({
    dir: join(config.dataDir, 'media'),
    quotaBytes: config.player.cacheQuotaMb * 1024 * 1024,
    log,
  });
  const screen = new ChromiumScreen({
    player: config.player,
    dataDir: config.dataDir,
    media,
    clock,
    log,
    onEvent: (body) => send('events', makeEvent(clock, body)),
  });
  return { screen, media };
}
