import type { Logger } from 'pino';
import type { DesiredDocument, DeviceEvent, Problem, ReportedState } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import { makeEvent } from '../lib/device-event.js';
import type { DesiredStore } from '../state/desired-store.js';
import { decideDesired } from './decide-desired.js';
import type { Screen } from './screen.js';

export type DesiredSource = ReportedState['desiredSource'];

export interface ReconcilerOptions {
  deviceId: string;
  agentVersion: string;
  store: DesiredStore;
  screen: Screen;
  clock: Clock;
  log: Logger;
  onReported(reported: ReportedState): void;
  onEvent(event: DeviceEvent): void;
}

export interface Reconciler {
  /** Loads the saved document and applies it at once, whether or not the fleet is reachable. */
  start(): Promise<void>;
  /** A document from the fleet; documents are handled one at a time, in arrival order. */
  offer(desired: DesiredDocument): Promise<void>;
  /** Waits for the document being applied, then ignores further offers. */
  stop(): Promise<void>;
  readonly appliedVersion: number | null;
  readonly reported: ReportedState;
}

export function createReconciler(options: ReconcilerOptions): Reconciler {
  return new DesiredReconciler(options);
}

class DesiredReconciler implements Reconciler {
  private readonly log: Logger;
  private applied: DesiredDocument | null = null;
  private source: DesiredSource = 'none';
  private phase: ReportedState['phase'] = 'starting';
  private errors: Problem[] = [];
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private current: ReportedState;

  constructor(private readonly options: ReconcilerOptions) {
    this.log = options.log.child({ mod: 'reconcile' });
    this.current = this.buildReported();
  }

  get appliedVersion(): number | null {
    return this.applied?.version ?? null;
  }

  get reported(): ReportedState {
    return this.current;
  }

  async start(): Promise<void> {
    this.report();
    const saved = await this.options.store.load();
    if (saved) await this.enqueue(saved, 'cache');
  }

  offer(desired: DesiredDocument): Promise<void> {
    return this.enqueue(desired, 'fleet');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
  }

  private enqueue(desired: DesiredDocument, source: 'fleet' | 'cache'): Promise<void> {
    this.queue = this.queue
      .then(() => (this.stopped ? undefined : this.handle(desired, source)))
      .catch((error: unknown) => this.log.error({ err: (error as Error).message }, 'reconcile failed'));
    return this.queue;
  }

  private async handle(desired: DesiredDocument, source: 'fleet' | 'cache'): Promise<void> {
    const decision = decideDesired(
      { deviceId: this.options.deviceId, appliedVersion: this.appliedVersion },
      desired,
    );
    if (decision.action === 'reject') {
      this.log.warn({ version: desired.version, source, problem: decision.problem }, 'desired rejected');
      this.emit({ kind: 'desired-rejected', version: desired.version, problem: decision.problem });
      return;
    }
    if (decision.action === 'no-op') {
      this.log.debug({ version: desired.version, source }, 'desired unchanged; nothing to do');
      // The fleet confirmed what the cache had: only the report changes, never the screen.
      if (source === 'fleet' && this.source !== 'fleet') {
        this.source = 'fleet';
        this.report();
      }
      return;
    }
    await this.apply(desired, source);
  }

  private async apply(desired: DesiredDocument, source: 'fleet' | 'cache'): Promise<void> {
    this.log.info({ version: desired.version, source }, 'applying desired');
    this.phase = 'applying';
    this.errors = [];
    this.report();
    if (source === 'fleet') await this.persist(desired);
    this.applied = desired;
    this.source = source;
    try {
      await this.options.screen.show(desired);
      this.phase = this.errors.length > 0 ? 'degraded' : 'applied';
    } catch (error) {
      this.phase = 'degraded';
      this.errors.push({
        code: 'INTERNAL',
        message: `screen failed: ${(error as Error).message}`.slice(0, 500),
      });
      this.log.error({ version: desired.version, err: (error as Error).message }, 'screen failed');
    }
    this.report();
    this.emit({ kind: 'desired-applied', version: desired.version });
  }

  /** Saved before it is shown, so a reboot mid-apply comes back to the new document. */
  private async persist(desired: DesiredDocument): Promise<void> {
    try {
      await this.options.store.save(desired);
    } catch (error) {
      const message = `cannot save desired state: ${(error as Error).message}`.slice(0, 500);
      this.errors.push({ code: 'INTERNAL', message });
      this.log.error(
        { version: desired.version, err: (error as Error).message },
        'cannot save desired state',
      );
    }
  }

  private report(): void {
    this.current = this.buildReported();
    this.options.onReported(this.current);
  }

  private buildReported(): ReportedState {
    return {
      at: this.options.clock.now().toISOString(),
      agentVersion: this.options.agentVersion,
      appliedVersion: this.appliedVersion,
      desiredSource: this.source,
      phase: this.phase,
      currentItemId: this.applied?.content.defaultItem.id ?? null,
      errors: this.errors.slice(0, 20),
    };
  }

  private emit(body: Parameters<typeof makeEvent>[1]): void {
    this.options.onEvent(makeEvent(this.options.clock, body));
  }
}
