import type { Logger } from 'pino';
import type { AlertEngine } from '../alerts/alert-engine.js';
import type { RolloutEngine } from '../rollouts/rollout-engine.js';
import type { ClusterEvents } from './cluster-events.js';

/**
 * The engines keep state in memory, and the HTTP API that changes it may be served by a process
 * that does not run them. Such a change goes to the engine's process over the cluster channel
 * instead of acting here: an acknowledgement evaluated by an idle engine (with no memory of the
 * screen) would open a second alert. Policy changes reload the policy book in every process.
 */
export function shareEngineSignals(deps: {
  bus: Pick<ClusterEvents, 'on' | 'publish'>;
  /** This process holds the engines' lease now. */
  runsEngines: () => boolean;
  alerts: Pick<AlertEngine, 'acknowledged' | 'policiesChanged'>;
  rollouts: Pick<RolloutEngine, 'poke'>;
  log: Logger;
}): void {
  const { bus, runsEngines, alerts, rollouts, log } = deps;
  const failed = (what: string) => (error: Error) => log.error({ err: error.message }, what);
  const acknowledged = alerts.acknowledged.bind(alerts);
  const policiesChanged = alerts.policiesChanged.bind(alerts);
  const poke = rollouts.poke.bind(rollouts);

  alerts.acknowledged = async (deviceId, rule, alertId) => {
    if (runsEngines()) await acknowledged(deviceId, rule, alertId);
    else bus.publish({ kind: 'alert-acknowledged', deviceId, rule, alertId });
  };
  alerts.policiesChanged = async () => {
    await policiesChanged();
    bus.publish({ kind: 'alert-policies-changed' });
  };
  rollouts.poke = () => {
    if (runsEngines()) poke();
    else bus.publish({ kind: 'rollouts-changed' });
  };

  bus.on('alert-acknowledged', ({ deviceId, rule, alertId }) => {
    if (runsEngines()) acknowledged(deviceId, rule, alertId).catch(failed('acknowledgement not applied'));
  });
  bus.on('alert-policies-changed', () => {
    policiesChanged().catch(failed('alert policies not reloaded'));
  });
  bus.on('rollouts-changed', () => {
    if (runsEngines()) poke();
  });
}
