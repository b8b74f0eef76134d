import { describe, expect, it } from 'vitest';
import { parseWaves } from '../../../src/cli/commands/rollout.js';
import { bar, progressBlock, progressLine } from '../../../src/cli/commands/rollout-format.js';
import { CliError } from '../../../src/cli/io.js';
import type { RolloutScreenView, RolloutView } from '../../../src/rollouts/rollouts-api.js';

const counts = { pending: 0, waiting: 0, updating: 0, committed: 0, skipped: 0, failed: 0, cancelled: 0 };

function screen(deviceId: string, overrides: Partial<RolloutScreenView>): RolloutScreenView {
  return {
    deviceId,
    name: deviceId,
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals-hall',
    wave: 1,
    state: 'waiting',
    waitingFor: null,
    fromVersion: '1.4.0',
    agentVersion: '1.4.0',
    updateState: null,
    downloadedBytes: null,
    problem: null,
    online: true,
    updatedAt: '2026-11-26T03:00:00.000Z',
    ...overrides,
  };
}

/** Ten screens: the canary done, wave 2 with one updating and two waiting for the window. */
const view: RolloutView = {
  id: 'ro-3f9a1c0b7e',
  version: '1.5.0',
  state: 'running',
  pauseReason: null,
  target: { gates: ['cat-bi-airport'], zones: [], tags: [], devices: [] },
  waves: ['canary', 50, 100],
  currentWave: 1,
  maxFailures: 0,
  ignoreMaintenanceWindows: false,
  rollbackOf: null,
  totals: { ...counts, screens: 10, committed: 1, skipped: 1, updating: 1, waiting: 2, pending: 5 },
  createdBy: 'minh.admin',
  createdAt: '2026-11-26T03:00:00.000Z',
  updatedAt: '2026-11-26T03:05:00.000Z',
  finishedAt: null,
  waveProgress: [
    { ...counts, index: 0, label: 'canary', state: 'done', screens: 1, committed: 1 },
    { ...counts, index: 1, label: '50 %', state: 'active', screens: 4, skipped: 1, updating: 1, waiting: 2 },
    { ...counts, index: 2, label: '100 %', state: 'pending', screens: 5, pending: 5 },
  ],
  screens: [
    screen('a', { state: 'waiting', waitingFor: 'maintenance-window' }),
    screen('b', { state: 'waiting', waitingFor: 'maintenance-window' }),
    screen('c', { state: 'updating', updateState: 'downloading', downloadedBytes: 1_000 }),
  ],
};

describe('rollout progress text', () => {
  it('says in one stable line where the rollout is and what its screens wait for', () => {
    expect(progressLine(view)).toBe(
      'rollout ro-3f9a1c0b7e running: wave 2/3 (50 %), 2/10 committed, 0 failed, 1 updating, 2 waiting ' +
        '(waiting for maintenance-window: 2)',
    );
  });

  it('draws a bar for the rollout and one per wave, marking the active wave and a pause reason', () => {
    const paused = { ...view, state: 'paused' as const, pauseReason: 'by minh.admin' };
    const block = progressBlock(paused);
    expect(block[0]).toBe(`1.5.0 paused  ${bar(2, 10)} 2/10  failed 0 (waiting for maintenance-window: 2)`);
    expect(block[2]).toMatch(/^> 50 %\s+\[#{4}\.{12}\] 1\/4 {2}updating 1$/);
    expect(block.at(-1)).toBe('paused: by minh.admin');
    expect(bar(0, 0, 4)).toBe('[####]');
  });
});

describe('--waves', () => {
  it('reads canary and percentages, with or without %', () => {
    expect(parseWaves('canary, 10,50%,100')).toEqual(['canary', 10, 50, 100]);
  });

  it('names what is wrong, exit code 2', () => {
    expect(() => parseWaves('canary,half')).toThrow(
      new CliError('--waves: half is neither canary nor a percentage from 1 to 100', 2),
    );
    expect(() => parseWaves(' , ')).toThrow(/name at least one wave/);
  });
});
