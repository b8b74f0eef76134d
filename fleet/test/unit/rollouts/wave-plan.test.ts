import { describe, expect, it } from 'vitest';
import { assignWaves, skipOf, validateWaves, type WaveCandidate } from '../../../src/rollouts/wave-plan.js';

const screen = (deviceId: string, gateId: string, extra: Partial<WaveCandidate> = {}): WaveCandidate => ({
  deviceId,
  gateId,
  online: true,
  skipped: false,
  ...extra,
});

describe('validateWaves', () => {
  it.each([[['canary', 10, 50, 100]], [[100]], [['canary', 100]], [[1, 2, 100]]] as const)(
    'accepts %j',
    (waves) => {
      expect(() => validateWaves(waves)).not.toThrow();
    },
  );

  it.each([
    [[50, 50, 100], 'strictly increase'],
    [[60, 40, 100], 'strictly increase'],
    [['canary', 50], 'last wave must be 100'],
    [['canary'], 'last wave must be 100'],
    [[10, 'canary', 100], 'canary may only be the first wave'],
  ] as const)('refuses %j: %s', (waves, why) => {
    expect(() => validateWaves(waves)).toThrow(why);
  });
});

describe('assignWaves', () => {
  it('picks one canary per gate, preferring a screen that will update, then an online one, then the lowest id', () => {
    const waves = assignWaves(
      ['canary', 100],
      [
        screen('a1', 'cat-bi', { skipped: true }),
        screen('a2', 'cat-bi', { online: false }),
        screen('a3', 'cat-bi'),
        screen('h2', 'hai-phong', { online: false }),
        screen('h1', 'hai-phong', { online: false }),
      ],
    );
    expect(Object.fromEntries(waves)).toEqual({ a3: 0, h1: 0, a1: 1, a2: 1, h2: 1 });
  });

  it('fills percentages cumulatively over all screens, rounding up, with the canaries counted in', () => {
    const screens = Array.from({ length: 20 }, (_, i) =>
      screen(`s${String(i).padStart(2, '0')}`, i < 10 ? 'g1' : 'g2'),
    );
    const waves = assignWaves(['canary', 10, 50, 100], screens);
    const perWave = [0, 1, 2, 3].map((wave) => [...waves.values()].filter((w) => w === wave).length);
    // Canary: s00 and s10. 10 % of 20 = 2, already reached; 50 % = 10 in all; then the rest.
    expect(perWave).toEqual([2, 0, 8, 10]);
    expect(waves.get('s00')).toBe(0);
    expect(waves.get('s10')).toBe(0);
    expect(waves.size).toBe(20);
  });

  it('rounds a small percentage up to a whole screen', () => {
    const waves = assignWaves([10, 100], [screen('a', 'g'), screen('b', 'g'), screen('c', 'g')]);
    expect(Object.fromEntries(waves)).toEqual({ a: 0, b: 1, c: 1 });
  });
});

describe('skipOf', () => {
  it('skips a screen on the version, and one on a newer version with a downgrade problem', () => {
    expect(skipOf('1.4.0', false, '1.4.0')).toEqual({ skip: true, problem: null });
    const newer = skipOf('1.4.0', false, '1.5.0');
    expect(newer).toMatchObject({ skip: true, problem: { code: 'UPDATE_DOWNGRADE' } });
    expect(newer.skip && newer.problem?.message).toContain('downgrade');
    expect(skipOf('1.4.0', false, '1.3.9')).toEqual({ skip: false });
    expect(skipOf('1.4.0', false, null)).toEqual({ skip: false });
  });

  it('does not skip newer screens for a signed rollback release', () => {
    expect(skipOf('1.3.0', true, '1.5.0')).toEqual({ skip: false });
  });
});
