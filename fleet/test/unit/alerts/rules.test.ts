import { describe, expect, it } from 'vitest';
import type { RuleScratch } from '../../../src/alerts/rules/index.js';
import { NOW, check, display, input, sample } from './rule-fixtures.js';

describe('rules', () => {
  it('offline: offline or never seen; the condition began at presence.since', () => {
    const offline = check(
      'offline',
      input({ presence: { state: 'offline', since: '2026-12-01T07:50:00.000Z', lastSeenAt: null } }),
    );
    expect(offline).toMatchObject({
      active: true,
      since: '2026-12-01T07:50:00.000Z',
      facts: { presence: 'offline' },
    });
    const never = check(
      'offline',
      input({ presence: { state: 'never-seen', since: null, lastSeenAt: null } }),
    );
    expect(never).toMatchObject({ active: true, since: '2026-11-01T00:00:00.000Z' });
    expect(check('offline', input()).active).toBe(false);
    const changes = ['2026-12-01T07:59:00.000Z', '2026-12-01T07:59:30.000Z'];
    expect(check('offline', input({ presenceChanges: changes })).changedAt).toEqual(changes);
  });

  it('display-black and display-frozen follow the capture, only while online', () => {
    expect(check('display-black', input({ lastTelemetry: display({ black: true }) })).active).toBe(true);
    expect(check('display-black', input({ lastTelemetry: display({ black: null }) })).active).toBe(false);
    expect(check('display-frozen', input({ lastTelemetry: display({ frozen: true }) })).active).toBe(true);
    const offline = { state: 'offline' as const, since: NOW.toISOString(), lastSeenAt: null };
    expect(
      check('display-black', input({ presence: offline, lastTelemetry: display({ black: true }) })).active,
    ).toBe(false);
  });

  it('display-off: standby or unplugged while the screen should be on (gate time)', () => {
    const standby = input({ lastTelemetry: display({ cecPower: 'standby' }) });
    expect(check('display-off', standby)).toMatchObject({ active: true, facts: { cecPower: 'standby' } });
    expect(check('display-off', input({ lastTelemetry: display({ hdmi: 'disconnected' }) })).active).toBe(
      true,
    );
    expect(check('display-off', input({ lastTelemetry: display({}) })).active).toBe(false);
    // 15:00 local: inside 06:00–23:00, outside 22:00–06:00.
    expect(check('display-off', { ...standby, displayOnHours: { from: '06:00', to: '23:00' } }).active).toBe(
      true,
    );
    expect(check('display-off', { ...standby, displayOnHours: { from: '22:00', to: '06:00' } }).active).toBe(
      false,
    );
  });

  it('temperature at or above the threshold', () => {
    expect(
      check('temperature', input({ lastTelemetry: sample({ cpu: { loadPercent: 1, temperatureC: 80 } }) })),
    ).toMatchObject({
      active: true,
      facts: { temperatureC: 80, thresholdC: 80 },
    });
    expect(
      check('temperature', input({ lastTelemetry: sample({ cpu: { loadPercent: 1, temperatureC: 79.9 } }) }))
        .active,
    ).toBe(false);
    expect(
      check('temperature', input({ lastTelemetry: sample({ cpu: { loadPercent: 1, temperatureC: null } }) }))
        .active,
    ).toBe(false);
  });

  it('under-voltage: under-voltage or throttling now, not merely since boot', () => {
    const power = {
      raw: 0,
      underVoltageNow: false,
      throttledNow: false,
      frequencyCappedNow: false,
      softTemperatureLimitNow: false,
      underVoltageSinceBoot: true,
      throttledSinceBoot: true,
    };
    expect(check('under-voltage', input({ lastTelemetry: sample({ power }) })).active).toBe(false);
    expect(
      check('under-voltage', input({ lastTelemetry: sample({ power: { ...power, underVoltageNow: true } }) }))
        .active,
    ).toBe(true);
    expect(
      check('under-voltage', input({ lastTelemetry: sample({ power: { ...power, throttledNow: true } }) }))
        .active,
    ).toBe(true);
    expect(check('under-voltage', input({ lastTelemetry: sample({ power: null }) })).active).toBe(false);
  });

  it('disk: used at or above 90 %', () => {
    expect(
      check('disk', input({ lastTelemetry: sample({ disk: { totalBytes: 100, usedBytes: 90 } }) })),
    ).toMatchObject({
      active: true,
      facts: { usedPercent: 90 },
    });
    expect(
      check('disk', input({ lastTelemetry: sample({ disk: { totalBytes: 100, usedBytes: 89 } }) })).active,
    ).toBe(false);
    expect(check('disk', input({ lastTelemetry: sample({ disk: null }) })).active).toBe(false);
  });

  it('storage-errors: the error count rose since the last sample, or the filesystem is read-only', () => {
    const at = (errorCount: number, readOnly = false) =>
      input({ lastTelemetry: sample({ storage: { errorCount, readOnly } }) });
    const first = check('storage-errors', at(2));
    expect(first.active).toBe(false); // the first count is a baseline, not a rise
    const rose = check('storage-errors', at(5), first.scratch ?? null);
    expect(rose).toMatchObject({ active: true, facts: { errorCount: 5, previousErrorCount: 2 } });
    expect(check('storage-errors', at(5), rose.scratch ?? null).active).toBe(false);
    expect(check('storage-errors', at(5, true), rose.scratch ?? null).active).toBe(true);
  });

  it('browser-crash-loop: three restarts within ten minutes', () => {
    let scratch: RuleScratch | null = null;
    const observe = (minute: number, restarts: number) => {
      const at = new Date(NOW.getTime() + minute * 60_000);
      const given = input({
        lastTelemetry: sample({ player: { up: true, restarts, lastCause: 'crash', jsHeapBytes: null } }),
        lastTelemetryAt: at.toISOString(),
      });
      const result = check('browser-crash-loop', given, scratch, at);
      scratch = result.scratch ?? null;
      return result.active;
    };
    expect(observe(0, 4)).toBe(false);
    expect(observe(3, 5)).toBe(false);
    expect(observe(6, 6)).toBe(false);
    expect(observe(9, 7)).toBe(true); // 4 → 7 within 9 minutes
    expect(observe(30, 8)).toBe(false); // the old counts left the window
    expect(observe(31, 0)).toBe(false); // the agent restarted: its count began again
  });

  it('clock-drift: offset at or above 30 s, or not synced', () => {
    const clock = (offsetMs: number | null, synced: boolean | null) =>
      input({ lastTelemetry: sample({ clock: { offsetMs, synced } }) });
    expect(check('clock-drift', clock(-31_000, true)).active).toBe(true);
    expect(check('clock-drift', clock(29_000, true)).active).toBe(false);
    expect(check('clock-drift', clock(null, false)).active).toBe(true);
    expect(check('clock-drift', clock(null, null)).active).toBe(false);
  });

  it('update-failed: until the target version starts, or someone acknowledges it', () => {
    const failure = {
      eventId: 'evt-00000001',
      at: '2026-12-01T07:00:00.000Z',
      targetVersion: '1.2.0',
      runningVersion: '1.1.0',
      stage: 'health-check',
      message: 'the player did not come up',
      committed: false,
      dismissed: false,
    };
    expect(check('update-failed', input({ updateFailure: failure }))).toMatchObject({
      active: true,
      since: failure.at,
      facts: { targetVersion: '1.2.0', stage: 'health-check' },
    });
    expect(check('update-failed', input({ updateFailure: { ...failure, committed: true } })).active).toBe(
      false,
    );
    expect(check('update-failed', input({ updateFailure: { ...failure, dismissed: true } })).active).toBe(
      false,
    );
    expect(check('update-failed', input()).active).toBe(false);
  });
});
