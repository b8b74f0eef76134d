import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { AgentConfig, CommandRequest, ParsedMessage, RejectedMessage } from '@gatecast/protocol';
import { createCommandHandlers } from './commands/command-handlers.js';
import { createCommandRouter } from './commands/command-router.js';
import { createLoggingIndicator, type Indicator } from './commands/indicator.js';
import { createHealthReporter } from './health/health-reporter.js';
import type { HealthSampler } from './health/readings.js';
import { createSystemSampler } from './health/system-sampler.js';
import { systemClock, type Clock } from './lib/clock.js';
import { makeEvent } from './lib/device-event.js';
import { readAgentVersion } from './lib/version.js';
import { createMqttLink, type MqttLink } from './link/mqtt-link.js';
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
  const link = createMqttLink({
    config,
    agentVersion,
    log: options.log,
    clock,
    random: options.random,
    onMessage: (message) => route(message),
    onRejected: (rejected, raw) => answerRejected(rejected, raw),
    onConnected: () => void health.sampleNow(),
  });
  const send: MqttLink['send'] = (kind, payload) => link.send(kind, payload);

  const reconciler = createReconciler({
    deviceId: config.deviceId,
    agentVersion,
    store: createDesiredStore({ dataDir: config.dataDir, log: options.log }),
    screen: options.screen ?? createLoggingScreen(options.log),
    clock,
    log: options.log,
    onReported: (reported) => link.setReported(reported),
    onEvent: (event) => send('events', event),
  });
  const router = createCommandRouter({
    handlers: createCommandHandlers({
      agentVersion,
      clock,
      indicator: options.indicator ?? createLoggingIndicator(options.log),
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
      // The saved state goes on screen first: the fleet may be out of reach for a long time.
      await reconciler.start();
      await link.start();
      health.start();
    },
    async stop() {
      log.info('agent stopping');
      await health.stop();
      await reconciler.stop();
      await link.stop();
      log.info('agent stopped');
    },
  };
}
