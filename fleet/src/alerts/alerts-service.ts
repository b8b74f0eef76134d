import { GatecastError } from '@gatecast/protocol';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { PolicyOverride, ResolvedPolicy } from './alert-policy.js';
import type { AlertEngine } from './alert-engine.js';
import type { AlertListQuery, AlertRecord, TransitionRecord } from './alerts-repo.js';
import type { StoredOverride } from './policies-repo.js';

export interface AlertsServiceDeps {
  engine: Pick<AlertEngine, 'alerts' | 'policies' | 'book' | 'acknowledged' | 'policiesChanged'>;
  gates: Pick<GatesRepo, 'get'>;
  now?: () => Date;
}

/** What the HTTP API may do with alerts and policies; permission checks stay in the routes. */
export class AlertsService {
  private readonly deps: AlertsServiceDeps;
  private readonly now: () => Date;

  constructor(deps: AlertsServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  list(query: AlertListQuery): Promise<{ alerts: AlertRecord[]; nextBefore: string | null }> {
    return this.deps.engine.alerts.list(query);
  }

  /** NOT_FOUND for an unknown alert. */
  async get(alertId: string): Promise<AlertRecord> {
    const alert = await this.deps.engine.alerts.get(alertId);
    if (!alert) throw new GatecastError('NOT_FOUND', `no alert ${alertId}`);
    return alert;
  }

  transitions(alertId: string): Promise<TransitionRecord[]> {
    return this.deps.engine.alerts.transitions(alertId);
  }

  /** CONFLICT when already acknowledged. */
  async acknowledge(alertId: string, by: string, note: string | null): Promise<AlertRecord> {
    const alert = await this.get(alertId);
    await this.deps.engine.alerts.acknowledge(alertId, by, this.now().toISOString(), note);
    await this.deps.engine.acknowledged(alert.device.id, alert.rule, alert.id);
    return this.get(alertId);
  }

  defaults(): ResolvedPolicy {
    return this.deps.engine.book.defaultPolicy;
  }

  overrides(): Promise<StoredOverride[]> {
    return this.deps.engine.policies.list();
  }

  async effective(gateId: string, zoneId: string | null): Promise<ResolvedPolicy> {
    await this.requirePlace(gateId, zoneId);
    return this.deps.engine.book.for(gateId, zoneId);
  }

  /** NOT_FOUND for an unknown gate or zone. */
  async setOverride(
    gateId: string,
    zoneId: string | null,
    policy: PolicyOverride,
    by: string,
  ): Promise<StoredOverride> {
    await this.requirePlace(gateId, zoneId);
    const stored = await this.deps.engine.policies.set(gateId, zoneId, policy, this.now().toISOString(), by);
    await this.deps.engine.policiesChanged();
    return stored;
  }

  /** NOT_FOUND when there was no override there. */
  async removeOverride(gateId: string, zoneId: string | null): Promise<void> {
    if (!(await this.deps.engine.policies.remove(gateId, zoneId))) {
      const where = zoneId === null ? `gate ${gateId}` : `zone ${zoneId} of gate ${gateId}`;
      throw new GatecastError('NOT_FOUND', `no alert policy set for ${where}`);
    }
    await this.deps.engine.policiesChanged();
  }

  private async requirePlace(gateId: string, zoneId: string | null): Promise<void> {
    const gate = await this.deps.gates.get(gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
    if (zoneId !== null && !gate.zones.some((zone) => zone.id === zoneId)) {
      throw new GatecastError('NOT_FOUND', `no zone ${zoneId} in gate ${gateId}`);
    }
  }
}
