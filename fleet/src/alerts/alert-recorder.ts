import type { AlertAction } from './alert-machine.js';
import type { AlertRule, AlertSink, TransitionKind } from './alert-types.js';
import type { AlertPlace, AlertsRepo, Notified } from './alerts-repo.js';

/**
 * Carries out the machine's decisions in the store. Each transition is recorded and handed to the
 * sink in the caller's transaction, so it is queued exactly when it is recorded: never lost
 * between the two, never queued twice.
 */
export class AlertRecorder {
  private readonly alerts: AlertsRepo;
  private readonly sink: AlertSink;
  private readonly newId: () => string;

  constructor(alerts: AlertsRepo, sink: AlertSink, newId: () => string) {
    this.alerts = alerts;
    this.sink = sink;
    this.newId = newId;
  }

  apply(action: AlertAction, rule: AlertRule, place: AlertPlace, at: string): void {
    const { alerts } = this;
    switch (action.type) {
      case 'fire': {
        // An open alert the machine does not remember belongs to an earlier screen of the same id
        // (removed and enrolled again): it ends quietly rather than blocking the new one.
        const stale = alerts.openFor(place.device.id, rule);
        if (stale) this.closeQuietly(stale.id, at);
        alerts.insert({
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
        alerts.markEscalated(action.alertId, at);
        return this.transition(
          action.alertId,
          'escalated',
          at,
          action.facts,
          action.notify ? 'sent' : 'held',
        );
      case 'resolve':
        alerts.markResolved(action.alertId, at);
        return this.transition(action.alertId, 'resolved', at, action.facts, action.notify);
      case 'release':
        for (const alertId of action.alertIds) this.release(alertId);
        return;
      case 'suppress':
        return alerts.setNotified(
          alerts.held(action.alertId).map((held) => held.id),
          'suppressed',
        );
    }
  }

  /** Ends an open alert without telling anyone (its screen was removed). */
  closeQuietly(alertId: string, at: string): void {
    this.alerts.markResolved(alertId, at);
    this.alerts.setNotified(
      this.alerts.held(alertId).map((held) => held.id),
      'suppressed',
    );
    this.transition(alertId, 'resolved', at, { removed: true }, 'suppressed');
  }

  private transition(
    alertId: string,
    kind: TransitionKind,
    at: string,
    facts: Record<string, string | number | boolean | null>,
    notified: Notified,
  ): void {
    const transition = { id: this.newId(), kind, at, facts, notified };
    this.alerts.addTransition(alertId, transition);
    if (notified !== 'sent') return;
    const alert = this.alerts.get(alertId);
    if (alert) this.sink.enqueue(this.alerts.toSinkTransition(alert, transition));
  }

  /** Quiet hours are over: what they held goes out now, oldest first, under its original id. */
  private release(alertId: string): void {
    const alert = this.alerts.get(alertId);
    const held = this.alerts.held(alertId);
    if (!alert || held.length === 0) return;
    for (const transition of held) this.sink.enqueue(this.alerts.toSinkTransition(alert, transition));
    this.alerts.setNotified(
      held.map((transition) => transition.id),
      'sent',
    );
  }
}
