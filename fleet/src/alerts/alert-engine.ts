import { randomUUID } from 'node:crypto';
import type { DesiredDocument } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { FleetEvents } from '../devices/fleet-events.js';
import type { Gate, GatesRepo } from '../gates/gates-repo.js';
import type { Sql } from '../store/sql.js';
import { stepAlert, type AlertAction, type RuleMemory } from './alert-machine.js';
import { AlertRecorder } from './alert-recorder.js';
import { ChangeQueue } from './change-queue.js';
import type { AlertSink } from './alert-sink.js';
import { ALERT_RULES, type AlertRule } from './alert-types.js';
import { AlertsRepo, type AlertPlace } from './alerts-repo.js';
import { inWindow, windowEndAfter } from './daily-window.js';
import { HealthInputReader } from './health-input.js';
import { MemoryRepo } from './memory-repo.js';
import { PoliciesRepo } from './policies-repo.js';
import { PolicyBook } from './policy-book.js';
import { RULE_EVALUATORS } from './rules/index.js';

export interface AlertEngineDeps {
  store: Sql;
  devices: Pick<DevicesRepo, 'get' | 'list'>;
  gates: Pick<GatesRepo, 'get'>;
  desired: { latest(deviceId: string): Promise<DesiredDocument | undefined> };
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
 * Screens evaluated per round (changes, sweep) and recorded in one transaction: 1000 screens
 * dropping at once cost five commits, and never block the broker's loop for long.
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
  /** The round running now: rounds run one after another, never two at once (RAM holds the memory). */
  private rounds: Promise<void> = Promise.resolve();
  /** A tick's round is queued or running: the timer does not pile up another behind it. */
  private ticking = false;
  /** Changed screens waiting for the next flush, in the order they changed. */
  private readonly changes = new ChangeQueue(BATCH, (deviceIds) => this.evaluateBatch(deviceIds));

  constructor(deps: AlertEngineDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'alerts' });
    this.now = deps.now ?? (() => new Date());
    this.alerts = new AlertsRepo(deps.store);
    this.policies = new PoliciesRepo(deps.store, this.log);
    this.book = new PolicyBook(this.policies);
    this.memory = new MemoryRepo(deps.store, this.log);
    this.inputs = new HealthInputReader(deps);
  }

  /** Reads the policies and the memory the last run left, then listens and runs its timers. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.book.reload();
    for (const stored of await this.memory.all()) {
      this.memoryOf(stored.deviceId).set(stored.rule, stored.memory);
      if (stored.dueAt !== null) this.setDue(stored.deviceId, Date.parse(stored.dueAt));
    }
    if (!this.running) return;
    // The listener runs inside the broker's connect/will handling: it only notes the screen.
    this.changes.start();
    this.unsubscribe = this.deps.events?.subscribe((deviceId) => this.changes.add(deviceId)) ?? null;
    const tick = setInterval(() => this.tickInBackground(), this.deps.tickMs ?? 1_000);
    const sweep = setInterval(() => this.sweepInBackground(), this.deps.sweepMs ?? 60_000);
    this.timers = [tick, sweep];
    for (const timer of this.timers) timer.unref();
    // What happened while the fleet was down: every screen once, soon after start.
    const first = setTimeout(() => this.sweepInBackground(), 0);
    first.unref();
    this.timers.push(first);
  }

  /** Resolves once the round running now and those queued behind it are done. */
  async settled(): Promise<void> {
    let rounds;
    do {
      rounds = this.rounds;
      await rounds;
    } while (rounds !== this.rounds);
  }

  /** Stops listening and its timers, then waits for the round running now. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // Screens not evaluated yet are not lost: the sweep after the next start looks at every screen.
    this.changes.stop();
    await this.settled();
  }

  /** Policies changed: forget resolved policies (before this resolves) and look at every screen again. */
  async policiesChanged(): Promise<void> {
    await this.book.reload();
    this.sweepInBackground();
  }

  /** Someone acknowledged an alert: no escalation for it; an acknowledged update failure clears. */
  async acknowledged(deviceId: string, rule: AlertRule, alertId: string): Promise<void> {
    await this.round(async () => {
      const memory = this.memories.get(deviceId)?.get(rule);
      if (memory?.open?.alertId !== alertId) return;
      const next = { ...memory, open: { ...memory.open, acknowledged: true } };
      const dueMs = this.due.get(deviceId);
      const dueAt = dueMs === undefined ? null : new Date(dueMs).toISOString();
      await this.memory.save(this.deps.store, deviceId, rule, next, dueAt);
      this.memoryOf(deviceId).set(rule, next);
    });
    await this.evaluate(deviceId);
  }

  /** Runs every rule for one screen now. Never rejects: a failure costs this evaluation only. */
  async evaluate(deviceId: string): Promise<void> {
    await this.evaluateBatch([deviceId]);
  }

  /** Screens whose deadline has come. */
  async tick(): Promise<void> {
    const nowMs = this.now().getTime();
    const due = [...this.due].filter(([, dueMs]) => dueMs <= nowMs).map(([deviceId]) => deviceId);
    for (let start = 0; start < due.length; start += BATCH)
      await this.evaluateBatch(due.slice(start, start + BATCH));
  }

  /** The timer's tick: skipped while the previous one has not finished. */
  private tickInBackground(): void {
    if (this.ticking) return;
    this.ticking = true;
    this.tick()
      .catch((error: unknown) => this.log.error({ err: (error as Error).message }, 'alert tick failed'))
      .finally(() => (this.ticking = false));
  }

  private sweepInBackground(): void {
    this.sweep().catch((error: unknown) =>
      this.log.error({ err: (error as Error).message }, 'alert sweep failed'),
    );
  }

  /** Runs `work` after the rounds before it; a failed round does not hold up the next. */
  private round<T>(work: () => Promise<T>): Promise<T> {
    const result = this.rounds.then(work);
    this.rounds = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Every screen, a batch per round (changes get their turn between); closes alerts of removed screens. */
  async sweep(): Promise<void> {
    if (!this.running) return;
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = true;
    try {
      // The screens as they are when the sweep is asked for, as when it ran synchronously.
      const ids = (await this.deps.devices.list()).map((device) => device.id);
      await this.round(async () => {
        this.gateCache.clear();
        await this.closeAlertsOfRemovedScreens();
      });
      for (let start = 0; start < ids.length && this.running; start += BATCH) {
        await this.evaluateBatch(ids.slice(start, start + BATCH));
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
  private evaluateBatch(deviceIds: readonly string[]): Promise<void> {
    return this.round(async () => {
      if (deviceIds.length > 1) {
        try {
          return await this.record(deviceIds);
        } catch {
          // Retried below, screen by screen, where the failing one is logged.
        }
      }
      for (const deviceId of deviceIds) {
        try {
          await this.record([deviceId]);
        } catch (error) {
          this.log.error({ deviceId, err: (error as Error).message }, 'alert evaluation failed');
        }
      }
    });
  }

  /** RAM takes on the decisions only once the store has them; the sink may send them from then on. */
  private async record(deviceIds: readonly string[]): Promise<void> {
    const decisions = await this.deps.store.transaction(async (tx) => {
      const recorder = new AlertRecorder(tx, this.deps.sink, randomUUID);
      const decided: Decision[] = [];
      for (const id of deviceIds) {
        const decision = await this.decideFor(tx, recorder, id);
        if (decision) decided.push(decision);
      }
      return decided;
    });
    this.deps.sink.committed?.();
    for (const decision of decisions) this.adopt(decision);
  }

  private async decideFor(tx: Sql, recorder: AlertRecorder, deviceId: string): Promise<Decision | null> {
    const device = await this.deps.devices.get(deviceId);
    if (device) return this.decide(tx, recorder, device);
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

  /** Runs the rules for one screen and records what they decide in the caller's transaction `tx`. */
  private async decide(tx: Sql, recorder: AlertRecorder, device: DeviceRecord): Promise<Decision> {
    if (this.enrolment.get(device.id) !== device.createdAt) {
      // Memory rows go with a removed screen; what RAM still holds of it goes now.
      if (this.enrolment.has(device.id)) this.memories.delete(device.id);
      this.enrolment.set(device.id, device.createdAt);
    }
    const gate = await this.gate(device.gateId);
    if (!gate) return { deviceId: device.id, steps: [], nextDue: null };
    const now = this.now();
    const at = now.toISOString();
    const policy = this.book.for(device.gateId, device.zoneId);
    const quiet = policy.quietHours !== null && inWindow(policy.quietHours, gate.timeZone, now);
    const quietEndsAt =
      quiet && policy.quietHours ? windowEndAfter(policy.quietHours, gate.timeZone, now) : null;
    const context = { now, quiet, quietEndsAt, newId: randomUUID };
    const input = await this.inputs.read(tx, device, gate.timeZone, policy, now);
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
      for (const action of outcome.actions) await recorder.apply(action, rule, place, at);
      await this.memory.save(tx, device.id, rule, outcome.memory, outcome.dueAt);
      steps.push({ rule, memory: outcome.memory, actions: outcome.actions });
    }
    return { deviceId: device.id, steps, nextDue };
  }

  private async closeAlertsOfRemovedScreens(): Promise<void> {
    const at = this.now().toISOString();
    for (const alert of await this.alerts.openOfRemovedDevices()) {
      await this.deps.store.transaction((tx) =>
        new AlertRecorder(tx, this.deps.sink, randomUUID).closeQuietly(alert.id, at),
      );
      this.deps.sink.committed?.();
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

  private async gate(gateId: string): Promise<Gate | undefined> {
    let gate = this.gateCache.get(gateId);
    if (!gate) {
      gate = await this.deps.gates.get(gateId);
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
