import { describe, expect, it } from 'vitest';
import type { UpdateState } from '@gatecast/protocol';
import {
  decideOffer,
  decideStartup,
  isTransient,
  resumeStep,
  retryDelayMs,
  type ReleaseBuild,
} from '../../../src/update/update-machine.js';
import type { UpdateRecord } from '../../../src/update/update-state.js';

const V2: ReleaseBuild = { version: '2.0.0', sha256: 'a'.repeat(64) };
const V2_REBUILT: ReleaseBuild = { version: '2.0.0', sha256: 'c'.repeat(64) };

function record(
  state: UpdateState,
  build: ReleaseBuild = V2,
  changes: Partial<UpdateRecord> = {},
): UpdateRecord {
  return {
    status: {
      state,
      targetVersion: build.version,
      previousVersion: '1.0.0',
      problem: null,
      at: '2026-11-26T12:00:00.000Z',
    },
    sha256: build.sha256,
    starts: 0,
    healthSince: null,
    failedStage: null,
    failureReported: false,
    ...changes,
  };
}

const offer = (
  target: ReleaseBuild | null,
  current: UpdateRecord | null,
  running = '1.0.0',
  hasInstallRoot = true,
) => decideOffer({ target, runningVersion: running, record: current, hasInstallRoot });

describe('decideOffer', () => {
  it('does nothing without a target, or for the release that runs', () => {
    expect(offer(null, null)).toEqual({ action: 'nothing', why: 'no-target' });
    expect(offer(V2, null, '2.0.0')).toEqual({ action: 'nothing', why: 'running' });
    expect(offer(V2, record('committed'), '2.0.0')).toEqual({ action: 'nothing', why: 'running' });
  });

  it('runs a new target, and resumes an unfinished one', () => {
    expect(offer(V2, null)).toEqual({ action: 'run' });
    for (const state of ['downloading', 'verifying', 'installing', 'switching', 'restarting'] as const) {
      expect(offer(V2, record(state))).toEqual({ action: 'run' });
    }
  });

  it('never tries a failed build again, but tries another build of the same version', () => {
    expect(offer(V2, record('refused'))).toEqual({ action: 'nothing', why: 'failed-before' });
    expect(offer(V2, record('rolled-back'))).toEqual({ action: 'nothing', why: 'failed-before' });
    expect(offer(V2_REBUILT, record('rolled-back'))).toEqual({ action: 'run' });
  });

  it('waits while the running release is judged', () => {
    expect(offer({ version: '3.0.0', sha256: 'd'.repeat(64) }, record('health-check'), '2.0.0')).toEqual({
      action: 'wait',
    });
    expect(offer(null, record('rolling-back'), '2.0.0')).toEqual({ action: 'wait' });
  });

  it('refuses to update an agent that has no install root', () => {
    expect(offer(V2, null, '1.0.0', false)).toEqual({ action: 'refuse-no-root' });
    expect(offer(V2, record('refused'), '1.0.0', false)).toEqual({ action: 'nothing', why: 'failed-before' });
  });
});

describe('decideStartup', () => {
  it('opens the health gate when the new release runs', () => {
    for (const state of ['switching', 'restarting', 'health-check'] as const) {
      expect(decideStartup(record(state), '2.0.0')).toEqual({ action: 'health-gate' });
    }
  });

  it('finishes an interrupted rollback, whoever started it', () => {
    expect(decideStartup(record('rolling-back'), '2.0.0')).toEqual({ action: 'finish-rollback' });
    expect(decideStartup(record('rolling-back'), '1.0.0')).toEqual({ action: 'finish-rollback' });
  });

  it('says so when a release in its gate no longer runs', () => {
    const decision = decideStartup(record('health-check'), '1.0.0');
    expect(decision).toMatchObject({ action: 'not-running', problem: { code: 'UPDATE_FAILED' } });
  });

  it('sends the event a failure still owes, once', () => {
    expect(decideStartup(record('rolled-back', V2, { failedStage: 'restart' }), '1.0.0')).toEqual({
      action: 'report-failure',
    });
    expect(decideStartup(record('rolled-back', V2, { failureReported: true }), '1.0.0')).toEqual({
      action: 'none',
    });
  });

  it('leaves unfinished steps before the switch to the pipeline', () => {
    for (const state of ['downloading', 'verifying', 'installing', 'switching', 'restarting'] as const) {
      expect(decideStartup(record(state), '1.0.0')).toEqual({ action: 'none' });
    }
    expect(decideStartup(null, '1.0.0')).toEqual({ action: 'none' });
    expect(decideStartup(record('committed'), '2.0.0')).toEqual({ action: 'none' });
  });
});

describe('resumeStep', () => {
  it('goes on with the switch only for the same build, installed completely', () => {
    expect(resumeStep(record('switching'), V2, V2.sha256)).toBe('switch');
    expect(resumeStep(record('restarting'), V2, V2.sha256)).toBe('switch');
    expect(resumeStep(record('switching'), V2, null)).toBe('download');
    expect(resumeStep(record('switching'), V2_REBUILT, V2_REBUILT.sha256)).toBe('download');
    expect(resumeStep(record('installing'), V2, V2.sha256)).toBe('download');
    expect(resumeStep(null, V2, V2.sha256)).toBe('download');
  });
});

describe('retries', () => {
  it('waits 15 s, doubling up to 10 min', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => retryDelayMs(attempt))).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000,
    ]);
    expect(retryDelayMs(2, { minMs: 10, maxMs: 25 })).toBe(25);
  });

  it('retries the network and a full card, never a forged artifact', () => {
    expect(isTransient('UPDATE_FAILED')).toBe(true);
    expect(isTransient('DISK_FULL')).toBe(true);
    expect(isTransient('UPDATE_TAMPERED')).toBe(false);
    expect(isTransient('UPDATE_BAD_SIGNATURE')).toBe(false);
  });
});
