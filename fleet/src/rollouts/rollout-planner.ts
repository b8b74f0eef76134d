import type { ReportedState } from '@gatecast/protocol';
import { inWindow, type DailyWindow } from '../alerts/daily-window.js';
import {
  isSettled,
  type Problem,
  type Rollout,
  type RolloutScreen,
  type WaitingReason,
} from './rollout-model.js';

/** What the engine knows about one screen at one instant. */
export interface ScreenFacts {
  reported: Pick<ReportedState, 'agentVersion' | 'update'> | null;
  /** The gate's maintenance window (null: any time) and its time zone. */
  window: DailyWindow | null;
  timeZone: string;
  /** An announcement shows on the screen now. */
  announcementActive: boolean;
}

export interface RoundPlan {
  rollout: Rollout;
  rolloutChanged: boolean;
  /** Screens whose row changed. */
  screens: RolloutScreen[];
  /** Screens to hand the release to now (record the assignment, recompose). */
  handOver: RolloutScreen[];
  /** Screens whose assignment goes back to what it was before (they failed, or were cancelled). */
  release: RolloutScreen[];
}

export type Outcome = { kind: 'committed' } | { kind: 'failed'; problem: Problem } | null;

/**
 * What a screen's reported state says about the version: committed when it runs it (and its
 * update, if any, committed), failed when it refused it or rolled back from it.
 */
export function outcomeOf(version: string, reported: ScreenFacts['reported']): Outcome {
  if (!reported) return null;
  const update = reported.update;
  if (update?.targetVersion === version && (update.state === 'refused' || update.state === 'rolled-back')) {
    const what = update.state === 'refused' ? 'refused' : 'rolled back from';
    return {
      kind: 'failed',
      problem: update.problem ?? { code: 'UPDATE_FAILED', message: `the screen ${what} ${version}` },
    };
  }
  const running = reported.agentVersion === version;
  if (running && (!update || update.state === 'committed' || update.targetVersion !== version)) {
    return { kind: 'committed' };
  }
  return null;
}

/** Why a screen of the current wave may not be handed its release now; null when it may. */
export function waitingReasonOf(facts: ScreenFacts, ignoreWindows: boolean, now: Date): WaitingReason | null {
  // Never while an announcement shows: an update restarts the player in front of travellers.
  if (facts.announcementActive) return 'announcement';
  if (!ignoreWindows && facts.window && !inWindow(facts.window, facts.timeZone, now)) {
    return 'maintenance-window';
  }
  return null;
}

/** Failures that count against maxFailures: those since the last resume. */
export function pastThreshold(rollout: Rollout, failed: number): boolean {
  return failed - rollout.failuresAccepted > rollout.maxFailures;
}

/**
 * One round of a running or paused rollout: outcomes of the screens handed their release,
 * the failure threshold, hand-overs in the current wave, and the move to the next wave.
 * Pure: the runner applies the plan to the store and recomposes the screens it names.
 */
export function planRound(input: {
  rollout: Rollout;
  screens: readonly RolloutScreen[];
  facts: (deviceId: string) => ScreenFacts;
  now: Date;
}): RoundPlan {
  const at = input.now.toISOString();
  const rollout = { ...input.rollout };
  const screens = input.screens.map((screen) => ({ ...screen }));
  const changed = new Set<RolloutScreen>();
  const plan: RoundPlan = { rollout, rolloutChanged: false, screens: [], handOver: [], release: [] };
  if (rollout.state !== 'running' && rollout.state !== 'paused') return plan;
  const update = (screen: RolloutScreen, patch: Partial<RolloutScreen>) => {
    const differs = Object.entries(patch).some(
      ([key, value]) => JSON.stringify(screen[key as keyof RolloutScreen]) !== JSON.stringify(value),
    );
    if (!differs) return;
    Object.assign(screen, patch, { updatedAt: at });
    changed.add(screen);
  };
  const changeRollout = (patch: Partial<Rollout>) => {
    Object.assign(rollout, patch, { updatedAt: at });
    plan.rolloutChanged = true;
  };

  for (const screen of screens) {
    if (screen.state !== 'waiting' && screen.state !== 'updating') continue;
    const outcome = outcomeOf(rollout.version, input.facts(screen.deviceId).reported);
    if (outcome?.kind === 'committed') {
      update(screen, { state: 'committed', waitingFor: null, problem: null });
    } else if (outcome?.kind === 'failed' && screen.state === 'updating') {
      // A waiting screen was never handed this release: an old failure of it is no news.
      update(screen, { state: 'failed', waitingFor: null, problem: outcome.problem });
      plan.release.push(screen);
    }
  }

  const failed = screens.filter((screen) => screen.state === 'failed').length;
  if (rollout.state === 'running' && pastThreshold(rollout, failed)) {
    const allowed = rollout.maxFailures;
    changeRollout({
      state: 'paused',
      pauseReason: `more than ${allowed} screen${allowed === 1 ? '' : 's'} failed (${failed - rollout.failuresAccepted})`,
    });
  }

  while (rollout.state === 'running') {
    const wave = screens.filter((screen) => screen.wave === rollout.currentWave);
    for (const screen of wave) {
      if (screen.state !== 'pending' && screen.state !== 'waiting') continue;
      const reason = waitingReasonOf(
        input.facts(screen.deviceId),
        rollout.ignoreMaintenanceWindows,
        input.now,
      );
      if (reason === null) {
        update(screen, { state: 'updating', waitingFor: null });
        plan.handOver.push(screen);
      } else {
        update(screen, { state: 'waiting', waitingFor: reason });
      }
    }
    if (!wave.every((screen) => isSettled(screen.state))) break;
    if (rollout.currentWave + 1 >= rollout.waves.length) {
      changeRollout({ state: 'completed', finishedAt: at });
      break;
    }
    changeRollout({ currentWave: rollout.currentWave + 1 });
  }
  plan.screens = [...changed];
  return plan;
}

/** Abort: every screen not yet done is cancelled; those handed the release give it back. */
export function planAbort(rollout: Rollout, screens: readonly RolloutScreen[], now: Date): RoundPlan {
  const at = now.toISOString();
  const plan: RoundPlan = {
    rollout: { ...rollout, state: 'aborted', pauseReason: null, updatedAt: at, finishedAt: at },
    rolloutChanged: true,
    screens: [],
    handOver: [],
    release: [],
  };
  for (const screen of screens) {
    if (screen.state !== 'pending' && screen.state !== 'waiting' && screen.state !== 'updating') continue;
    const cancelled = { ...screen, state: 'cancelled' as const, waitingFor: null, updatedAt: at };
    plan.screens.push(cancelled);
    if (screen.state === 'updating') plan.release.push(cancelled);
  }
  return plan;
}
