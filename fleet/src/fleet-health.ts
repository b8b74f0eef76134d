import type { Logger } from 'pino';
import { AlertEngine, type AlertEngineDeps } from './alerts/alert-engine.js';
import { AlertsService } from './alerts/alerts-service.js';
import type { EngineRunner } from './cluster/engine-runner.js';
import type { FleetConfig } from './config.js';
import type { DevicesRepo } from './devices/devices-repo.js';
import type { FleetEvents } from './devices/fleet-events.js';
import type { GatesRepo } from './gates/gates-repo.js';
import { HealthHistory } from './health/health-history.js';
import { TelemetryRollup } from './health/telemetry-rollup.js';
import type { HttpDeps } from './http/http-deps.js';
import { NotifyOutbox } from './notify/notify-outbox.js';
import type { ScreenshotStore } from './screenshots/screenshot-store.js';
import type { Sql } from './store/sql.js';

/** The health side of the fleet: telemetry history, the alert engine and the outbox that tells people. */
export interface FleetHealth {
  /** What the HTTP API needs of it. */
  http: Required<Pick<HttpDeps, 'health' | 'alerts' | 'notify'>>;
  /** In a cluster, its acknowledgements and policy changes travel to the process running it. */
  alertEngine: AlertEngine;
  stop(): Promise<void>;
}

/**
 * Starts the telemetry rollups, the notification outbox and the alert engine that feeds it. Alerts
 * are recorded and queued in one store transaction, so a transition is neither lost nor sent twice.
 */
export async function startFleetHealth(deps: {
  sql: Sql;
  devices: DevicesRepo;
  gates: GatesRepo;
  desired: AlertEngineDeps['desired'];
  events: FleetEvents;
  screenshots: ScreenshotStore;
  config: Pick<FleetConfig, 'telemetryRetention' | 'alerts' | 'publicHttpUrl'>;
  /** The fleet's address as people reach it, with the port actually bound; for device-page links. */
  publicUrl: () => string;
  log: Logger;
  /** Starts the rollup, outbox and alert engine: right away, or in a cluster's lease holder. */
  engines: EngineRunner;
}): Promise<FleetHealth> {
  const { config, log } = deps;
  const rollup = new TelemetryRollup({ store: deps.sql, retention: config.telemetryRetention, log });
  await deps.engines.run('telemetry-rollup', rollup);
  const notify = new NotifyOutbox({
    store: deps.sql,
    log,
    publicUrl: deps.publicUrl,
    gateTimeZone: async (gateId) => (await deps.gates.get(gateId))?.timeZone,
    screenshots: deps.screenshots,
  });
  await deps.engines.run('notify-outbox', notify);
  const alerts = new AlertEngine({
    store: deps.sql,
    devices: deps.devices,
    gates: deps.gates,
    desired: deps.desired,
    events: deps.events,
    sink: notify,
    log,
    tickMs: config.alerts.tickMs,
    sweepMs: config.alerts.sweepMs,
  });
  try {
    await deps.engines.run('alerts', alerts);
  } catch (error) {
    // Nothing returned yet, so nobody else would stop what started above.
    await alerts.stop();
    await notify.stop();
    await rollup.stop();
    throw error;
  }
  return {
    alertEngine: alerts,
    http: {
      health: { history: new HealthHistory(deps.sql, { retention: config.telemetryRetention }) },
      alerts: new AlertsService({ engine: alerts, gates: deps.gates }),
      notify,
    },
    // The engine first: it is the outbox's producer.
    async stop() {
      await alerts.stop();
      await notify.stop();
      await rollup.stop();
    },
  };
}
