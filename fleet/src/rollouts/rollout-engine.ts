import type { Logger } from 'pino';
import type { DailyWindow } from '../alerts/daily-window.js';
import type { AnnouncementSource } from '../announcements/announcement-source.js';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { FleetEvents } from '../devices/fleet-events.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import { planRound, type ScreenFacts } from './rollout-planner.js';
import type { RolloutsRepo } from './rollouts-repo.js';
import type { RolloutsService } from './rollouts-service.js';

export interface RolloutEngineDeps {
  repo: RolloutsRepo;
  service: RolloutsService;
  devices: Pick<DevicesRepo, 'list'>;
  gates: Pick<GatesRepo, 'list' | 'maintenanceWindows'>;
  announcements?: AnnouncementSource;
  events?: FleetEvents;
  refresh: (deviceIds: readonly string[]) => Promise<void>;
  tickMs: number;
  log: Logger;
  now?: () => Date;
}

/**
 * A screen's changes (telemetry among them, up to one a second each) ask for a round at most this
 * often: a round plans every screen of the rollout, so one per change grew with the square of the
 * rollout's size (200 screens in a rollout kept the fleet busy a third of the time).
 */
export const EVENT_ROUND_MIN_MS = 1_000;

/**
 * The effectful side of rollouts: on a timer (windows open, announcements end with time alone)
 * and whenever a screen of an active rollout changes, plans a round of every active rollout,
 * records it and recomposes the screens it handed a release to or took one back from. All
 * state is in the store, so after a restart the first round carries on where the last stopped.
 */
export class RolloutEngine {
  private readonly now: () => Date;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private activeDevices = new Set<string>();
  private eventTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RolloutEngineDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log.child({ mod: 'rollout-engine' });
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe =
      this.deps.events?.subscribe((deviceId) => {
        if (this.activeDevices.has(deviceId)) this.pokeSoon();
      }) ?? null;
    this.timer = setInterval(() => this.poke(), this.deps.tickMs);
    this.timer.unref();
    this.poke();
  }

  /** Asks for a round; rounds never overlap, and a request during one runs one more after it. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  /** A change of a screen: one round for all the changes of the next moment. */
  private pokeSoon(): void {
    if (this.eventTimer || this.stopped) return;
    this.eventTimer = setTimeout(
      () => {
        this.eventTimer = null;
        this.poke();
      },
      Math.min(this.deps.tickMs, EVENT_ROUND_MIN_MS),
    );
    this.eventTimer.unref();
  }

  /** Runs rounds until none was asked for meanwhile; resolves when the store is settled (tests). */
  async settle(): Promise<void> {
    this.poke();
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.eventTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.round();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'rollout round failed');
      }
    } while (this.again && !this.stopped);
  }

  /** Plans and records every active rollout, then recomposes the screens named. */
  async round(): Promise<void> {
    const now = this.now();
    const windows = await this.deps.gates.maintenanceWindows();
    const zones = new Map((await this.deps.gates.list()).map((gate) => [gate.id, gate.timeZone]));
    // Read once for every rollout of the round: planning is synchronous and asks per screen.
    const devices = new Map((await this.deps.devices.list()).map((device) => [device.id, device]));
    const toRefresh = new Set<string>();
    for (const rollout of await this.deps.repo.active()) {
      const screens = await this.deps.repo.screensOf(rollout.id);
      const announced = new Set<string>();
      for (const screen of screens) {
        if (await this.announcementActive(devices.get(screen.deviceId), now)) announced.add(screen.deviceId);
      }
      const facts = (deviceId: string): ScreenFacts => {
        const device = devices.get(deviceId);
        const gateId = device?.gateId ?? screens.find((screen) => screen.deviceId === deviceId)?.gateId ?? '';
        return factsOf(
          device,
          windows.get(gateId) ?? null,
          zones.get(gateId) ?? 'UTC',
          announced.has(deviceId),
        );
      };
      const plan = planRound({ rollout, screens, facts, now });
      if (!plan.rolloutChanged && plan.screens.length === 0) continue;
      for (const deviceId of await this.deps.service.apply(plan)) toRefresh.add(deviceId);
      if (plan.rolloutChanged && plan.rollout.state !== rollout.state) {
        this.log.info(
          { rolloutId: rollout.id, state: plan.rollout.state, reason: plan.rollout.pauseReason },
          'rollout state changed',
        );
      }
    }
    this.activeDevices = new Set((await this.deps.repo.activeScreens()).keys());
    if (toRefresh.size > 0) await this.deps.refresh([...toRefresh]);
  }

  private async announcementActive(device: DeviceRecord | undefined, now: Date): Promise<boolean> {
    if (!device || !this.deps.announcements) return false;
    const at = now.getTime();
    return (await this.deps.announcements.entriesFor(device, now)).some(
      (entry) =>
        (!entry.notBefore || Date.parse(entry.notBefore) <= at) &&
        (!entry.notAfter || Date.parse(entry.notAfter) > at),
    );
  }
}

function factsOf(
  device: DeviceRecord | undefined,
  window: DailyWindow | null,
  timeZone: string,
  announcementActive: boolean,
): ScreenFacts {
  const reported = device?.reported ?? null;
  return {
    reported: reported ? { agentVersion: reported.agentVersion, update: reported.update } : null,
    window,
    timeZone,
    announcementActive,
  };
}
