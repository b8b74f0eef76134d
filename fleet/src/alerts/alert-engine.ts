import { randomUUID } from 'node:crypto';
import type { DesiredDocument } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { FleetEvents } from '../devices/fleet-events.js';
import type { DeviceEventsRepo } from '../events/device-events-repo.js';
import type { Gate, GatesRepo } from '../gates/gates-repo.js';
import type { Database } from '../store/database.js';
import { stepAlert, type AlertAction, type RuleMemory } from './alert-machine.js';
import { AlertRecorder } from './alert-recorder.js';
import { ChangeQueue } from './change-queue.js';
import { ALERT_RULES, type AlertRule, type AlertSink } from './alert-types.js';
import { AlertsRepo, type AlertPlace } from './alerts-repo.js';
import { inWindow, windowEndAfter } from './daily-window.js';
import { HealthInputReader } from './health-input.js';
import { MemoryRepo } from './memory-repo.js';
import { PoliciesRepo } from './policies-repo.js';
import { PolicyBook } from './policy-book.js';
import { RULE_EVALUATORS } from './rules/index.js';

export interface AlertEngineDeps {
  db: Database;
  devices: Pick<DevicesRepo, 'get' | 'list'>;
  gates: Pick<GatesRepo, 'get'>;
  deviceEvents: Pick<DeviceEventsRepo, 'list'>;
  desired: { latest(deviceId: string): DesiredDocument | undefined };
  /** Device changes; the engine evaluates a changed screen on the next turn of the event loop. */
  events?: Pick<FleetEvents, 'subscribe'>;
  sink: AlertSink;
  log: Logger;
  now?: () => Date;
  /** How often deadlines (delays, hysteresis, escalation, end of quiet hours) are checked. */
  tickMs?: number;
  /** How often every screen is evaluated, for conditions that change with time alone. */
  sweepMs?: number;
}

/**
 * Screens evaluated per turn of the event loop (changes, sweep) and recorded in one transaction:
 * 1000 screens dropping at once cost five commits, and never block the broker's loop for long.
 */
const BATCH = 200;

/** What one screen's evaluation decided; RAM takes it on only once the store has it. */
interface Decision {
  deviceId: string;
  steps: { rule: AlertRule; memory: RuleMemory; actions: readonly AlertAction[] }[];
  /** Null: the deadline stays as it was (the screen's gate is gone). */
  nextDue: number | null;
}

/**
 * Runs the rules and the alert machine over the screens: at once when a screen changes, at its next
 * deadline, and in a slow sweep. Holds every screen's memory in RAM and writes it through to the
 * store when it changes. Knows nothing of HTTP.
 */
export class AlertEngine {
  readonly alerts: AlertsRepo;
  readonly policies: PoliciesRepo;
  readonly book: PolicyBook;
  private readonly deps: AlertEngineDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly memory: MemoryRepo;
  private readonly inputs: HealthInputReader;
  private readonly recorder: AlertRecorder;
  private readonly memories = new Map<string, Map<AlertRule, RuleMemory>>();
  /** Screens with a deadline, and its time in ms. */
  private readonly due = new Map<string, number>();
  private readonly gateCache = new Map<string, Gate>();
  /** Which enrolment of a screen id the memory is about (its createdAt): a re-enrolled id starts afresh. */
  private readonly enrolment = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private sweeping = false;
  /** A sweep was asked for while one ran (a policy changed mid-sweep): run one more after it. */
  private sweepAgain = false;
  private running = false;
  /** Changed screens waiting for the next flush, in the order they changed. */
  private readonly changes = new ChangeQueue(BATCH, (deviceIds) => this.evaluateBatch(deviceIds));

  constructor(deps: AlertEngineDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'alerts' });
    this.now = deps.now ?? (() => new Date());
    this.alerts = new AlertsRepo(deps.db);
    this.policies = new PoliciesRepo(deps.db, this.log);
    this.book = new PolicyBook(this.policies);
    this.memory = new MemoryRepo(deps.db, this.log);
    this.inputs = new HealthInputReader({ ...deps, alerts: this.alerts });
    this.recorder = new AlertRecorder(this.alerts, deps.sink, randomUUID);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const stored of this.memory.all()) {
      this.memoryOf(stored.deviceId).set(stored.rule, stored.memory);
      if (stored.dueAt !== null) this.setDue(stored.deviceId, Date.parse(stored.dueAt));
    }
    // The listener runs inside the broker's connect/will handling: it only notes the screen.
    this.changes.start();
    this.unsubscribe = this.deps.events?.subscribe((deviceId) => this.changes.add(deviceId)) ?? null;
    const tick = setInterval(() => this.tick(), this.deps.tickMs ?? 1_000);
    const sweep = setInterval(() => void this.sweep(), this.deps.sweepMs ?? 60_000);
    this.timers = [tick, sweep];
    for (const timer of this.timers) timer.unref();
    // What happened while the fleet was down: every screen once, soon after start.
    const first = setTimeout(() => void this.sweep(), 0);
    first.unref();
    this.timers.push(first);
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // Screens not evaluated yet are not lost: the sweep after the next start looks at every screen.
    this.changes.stop();
  }

  /** Policies changed: forget resolved policies and look at every screen again. */
  policiesChanged(): void {
    this.book.reload();
    void this.sweep();
  }

  /** Someone acknowledged an alert: no escalation for it; an acknowledged update failure clears. */
  acknowledged(deviceId: string, rule: AlertRule, alertId: string): void {
    const memory = this.memories.get(deviceId)?.get(rule);
    if (memory?.open?.alertId === alertId) {
      const next = { ...memory, open: { ...memory.open, acknowledged: true } };
      this.memoryOf(deviceId).set(rule, next);
      const dueMs = this.due.get(deviceId);
      this.memory.save(deviceId, rule, next, dueMs === undefined ? null : new Date(dueMs).toISOString());
    }
    this.evaluate(deviceId);
  }

  /** Runs every rule for one screen now. Never throws: a failure costs this evaluation only. */
  evaluate(deviceId: string): void {
    this.evaluateBatch([deviceId]);
  }

  /** Screens whose deadline has come. */
  tick(): void {
    const nowMs = this.now().getTime();
    const due = [...this.due].filter(([, dueMs]) => dueMs <= nowMs).map(([deviceId]) => deviceId);
    for (let start = 0; start < due.length; start += BATCH)
      this.evaluateBatch(due.slice(start, start + BATCH));
  }

  /** Every screen, a batch per turn of the event loop; also closes alerts of removed screens. */
  async sweep(): Promise<void> {
    if (!this.running) return;
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = true;
    try {
      this.gateCache.clear();
      this.closeAlertsOfRemovedScreens();
      const ids = this.deps.devices.list().map((device) => device.id);
      for (let start = 0; start < ids.length && this.running; start += BATCH) {
        this.evaluateBatch(ids.slice(start, start + BATCH));
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.log.error({ err: (error as Error).message }, 'alert sweep failed');
    } finally {
      this.sweeping = false;
    }
    if (this.sweepAgain) {
      this.sweepAgain = false;
      await this.sweep();
    }
  }

  /**
   * Evaluates screens and records all their decisions (and hands them to the sink) in one
   * transaction. Should one screen fail, the batch rolls back whole and its screens go one by one,
   * so a failure costs only that screen's evaluation.
   */
  private evaluateBatch(deviceIds: readonly string[]): void {
    if (deviceIds.length > 1) {
      try {
        return this.record(deviceIds);
      } catch {
        // Retried below, screen by screen, where the failing one is logged.
      }
    }
    for (const deviceId of deviceIds) {
      try {
        this.record([deviceId]);
      } catch (error) {
        this.log.error({ deviceId, err: (error as Error).message }, 'alert evaluation failed');
      }
    }
  }

  /** RAM takes on the decisions only once the store has them. */
  private record(deviceIds: readonly string[]): void {
    const decisions = this.alerts.transaction(() => deviceIds.flatMap((id) => this.decideFor(id) ?? []));
    for (const decision of decisions) this.adopt(decision);
  }

  private decideFor(deviceId: string): Decision | null {
    const device = this.deps.devices.get(deviceId);
    if (device) return this.decide(device);
    this.memories.delete(deviceId);
    this.enrolment.delete(deviceId);
    this.due.delete(deviceId);
    this.inputs.forget(deviceId);
    return null;
  }

  private adopt({ deviceId, steps, nextDue }: Decision): void {
    const memories = this.memoryOf(deviceId);
    for (const { rule, memory, actions } of steps) {
      memories.set(rule, memory);
      for (const action of actions) {
        if (action.type !== 'flapping') this.log.info({ deviceId, rule, action: action.type }, 'alert');
      }
    }
    if (nextDue !== null) this.setDue(deviceId, nextDue);
  }

  /** Runs the rules for one screen and records what they decide; the caller holds the transaction. */
  private decide(device: DeviceRecord): Decision {
    if (this.enrolment.get(device.id) !== device.createdAt) {
      // Memory rows go with a removed screen; what RAM still holds of it goes now.
      if (this.enrolment.has(device.id)) this.memories.delete(device.id);
      this.enrolment.set(device.id, device.createdAt);
    }
    const gate = this.gate(device.gateId);
    if (!gate) return { deviceId: device.id, steps: [], nextDue: null };
    const now = this.now();
    const at = now.toISOString();
    const policy = this.book.for(device.gateId, device.zoneId);
    const quiet = policy.quietHours !== null && inWindow(policy.quietHours, gate.timeZone, now);
    const quietEndsAt =
      quiet && policy.quietHours ? windowEndAfter(policy.quietHours, gate.timeZone, now) : null;
    const context = { now, quiet, quietEndsAt, newId: randomUUID };
    const input = this.inputs.read(device, gate.timeZone, policy, now);
    const place = placeOf(device, gate);
    const memories = this.memoryOf(device.id);
    let nextDue = Number.POSITIVE_INFINITY;
    const steps: Decision['steps'] = [];
    for (const rule of ALERT_RULES) {
      const settings = policy.rules[rule];
      const previous = memories.get(rule) ?? null;
      // A switched-off rule with nothing open or held costs nothing.
      if (!settings.enabled && (!previous || (!previous.open && previous.held.length === 0))) continue;
      const observation = RULE_EVALUATORS[rule](input, settings, now, previous?.scratch ?? null);
      const outcome = stepAlert(previous, observation, settings, context);
      if (outcome.dueAt !== null) nextDue = Math.min(nextDue, Date.parse(outcome.dueAt));
      if (outcome.actions.length === 0 && unchanged(previous, outcome.memory)) continue;
      for (const action of outcome.actions) this.recorder.apply(action, rule, place, at);
      this.memory.save(device.id, rule, outcome.memory, outcome.dueAt);
      steps.push({ rule, memory: outcome.memory, actions: outcome.actions });
    }
    return { deviceId: device.id, steps, nextDue };
  }

  private closeAlertsOfRemovedScreens(): void {
    const at = this.now().toISOString();
    for (const alert of this.alerts.openOfRemovedDevices()) {
      this.alerts.transaction(() => this.recorder.closeQuietly(alert.id, at));
      this.memories.delete(alert.device.id);
      this.due.delete(alert.device.id);
    }
  }

  private setDue(deviceId: string, dueMs: number): void {
    if (Number.isFinite(dueMs)) this.due.set(deviceId, dueMs);
    else this.due.delete(deviceId);
  }

  private memoryOf(deviceId: string): Map<AlertRule, RuleMemory> {
    let memories = this.memories.get(deviceId);
    if (!memories) {
      memories = new Map();
      this.memories.set(deviceId, memories);
    }
    return memories;
  }

  private gate(gateId: string): Gate | undefined {
    let gate = this.gateCache.get(gateId);
    if (!gate) {
      gate = this.deps.gates.get(gateId);
      if (gate) this.gateCache.set(gateId, gate);
    }
    return gate;
  }
}

/** Nothing new to store; a healthy screen with no memory yet costs no row per rule. */
function unchanged(previous: RuleMemory | null, next: RuleMemory): boolean {
  if (previous !== null) return JSON.stringify(previous) === JSON.stringify(next);
  return (
    !next.condition && !next.open && next.held.length === 0 && next.changes.length === 0 && !next.scratch
  );
}

function placeOf(device: DeviceRecord, gate: Gate): AlertPlace {
  const zone = gate.zones.find((candidate) => candidate.id === device.zoneId);
  return {
    device: { id: device.id, name: device.name },
    gate: { id: gate.id, name: gate.name },
    zone: { id: device.zoneId, name: zone?.name ?? device.zoneId },
  };
}
