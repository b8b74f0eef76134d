import type { Sql } from '../store/sql.js';
import type { AlertAction } from './alert-machine.js';
import type { AlertSink } from './alert-sink.js';
import type { AlertRule, TransitionKind } from './alert-types.js';
import { AlertsRepo, type AlertPlace, type Notified } from './alerts-repo.js';

/**
 * Carries out the machine's decisions in the store. Each transition is recorded and handed to the
 * sink in the caller's transaction `tx`, so it is queued exactly when it is recorded: never lost
 * between the two, never queued twice.
 */
export class AlertRecorder {
  private readonly alerts: AlertsRepo;

  constructor(
    private readonly tx: Sql,
    private readonly sink: AlertSink,
    private readonly newId: () => string,
  ) {
    this.alerts = new AlertsRepo(tx);
  }

  async apply(action: AlertAction, rule: AlertRule, place: AlertPlace, at: string): Promise<void> {
    const { alerts } = this;
    switch (action.type) {
      case 'fire': {
        // An open alert the machine does not remember belongs to an earlier screen of the same id
        // (removed and enrolled again): it ends quietly rather than blocking the new one.
        const stale = await alerts.openFor(place.device.id, rule);
        if (stale) await this.closeQuietly(stale.id, at);
        await alerts.insert({
          ...place,
          id: action.alertId,
          rule,
          severity: action.severity,
          since: action.since,
          firedAt: at,
          flapping: action.flapping,
          facts: action.facts,
        });
        return this.transition(action.alertId, 'firing', at, action.facts, action.notify ? 'sent' : 'held');
      }
      case 'flapping':
        return alerts.markFlapping(action.alertId);
      case 'escalate':
        await alerts.markEscalated(action.alertId, at);
        return this.transition(
          action.alertId,
          'escalated',
          at,
          action.facts,
          action.notify ? 'sent' : 'held',
        );
      case 'resolve':
        await alerts.markResolved(action.alertId, at);
        return this.transition(action.alertId, 'resolved', at, action.facts, action.notify);
      case 'release':
        for (const alertId of action.alertIds) await this.release(alertId);
        return;
      case 'suppress':
        return alerts.setNotified(
          (await alerts.held(action.alertId)).map((held) => held.id),
          'suppressed',
        );
    }
  }

  /** Ends an open alert without telling anyone (its screen was removed). */
  async closeQuietly(alertId: string, at: string): Promise<void> {
    await this.alerts.markResolved(alertId, at);
    await this.alerts.setNotified(
      (await this.alerts.held(alertId)).map((held) => held.id),
      'suppressed',
    );
    await this.transition(alertId, 'resolved', at, { removed: true }, 'suppressed');
  }

  private async transition(
    alertId: string,
    kind: TransitionKind,
    at: string,
    facts: Record<string, string | number | boolean | null>,
    notified: Notified,
  ): Promise<void> {
    const transition = { id: this.newId(), kind, at, facts, notified };
    await this.alerts.addTransition(alertId, transition);
    if (notified !== 'sent') return;
    const alert = await this.alerts.get(alertId);
    if (alert) await this.sink.enqueue(this.tx, this.alerts.toSinkTransition(alert, transition));
  }

  /** Quiet hours are over: what they held goes out now, oldest first, under its original id. */
  private async release(alertId: string): Promise<void> {
    const alert = await this.alerts.get(alertId);
    const held = await this.alerts.held(alertId);
    if (!alert || held.length === 0) return;
    for (const transition of held)
      await this.sink.enqueue(this.tx, this.alerts.toSinkTransition(alert, transition));
    await this.alerts.setNotified(
      held.map((transition) => transition.id),
      'sent',
    );
  }
}
