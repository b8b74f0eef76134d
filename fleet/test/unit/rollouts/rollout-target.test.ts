import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import type { Gate } from '../../../src/gates/gates-repo.js';
import type { StoredRelease } from '../../../src/releases/releases-repo.js';
import { resolveTarget, rollbackRefusal } from '../../../src/rollouts/rollout-target.js';

const gate = (id: string, zones: string[]): Gate => ({
  id,
  name: id,
  timeZone: 'UTC',
  languages: ['vi'],
  createdAt: '2026-11-26T00:00:00Z',
  zones: zones.map((zone) => ({ id: zone, gateId: id, name: zone, createdAt: '2026-11-26T00:00:00Z' })),
});

const device = (id: string, gateId: string, zoneId: string, tags: string[] = []): DeviceRecord => ({
  id,
  name: id,
  gateId,
  zoneId,
  tags,
  createdAt: '2026-11-26T00:00:00Z',
  presence: { state: 'online', since: null, lastSeenAt: null },
  agentVersion: '1.0.0',
  reported: null,
  reportedAt: null,
  lastTelemetry: null,
  lastTelemetryAt: null,
});

const GATES = [gate('cat-bi', ['arrivals', 'departures']), gate('hai-phong', ['pier'])];
const DEVICES = [
  device('a1', 'cat-bi', 'arrivals'),
  device('d1', 'cat-bi', 'departures', ['kiosk']),
  device('h1', 'hai-phong', 'pier'),
  device('h2', 'hai-phong', 'pier', ['kiosk']),
];
const target = (extra: Partial<{ gates: string[]; zones: string[]; tags: string[]; devices: string[] }>) => ({
  gates: [],
  zones: [],
  tags: [],
  devices: [],
  ...extra,
});

describe('resolveTarget', () => {
  it('takes the union of gates, zones, tags and named screens', () => {
    const ids = (t: ReturnType<typeof target>) => resolveTarget(t, DEVICES, GATES).map((d) => d.id);
    expect(ids(target({ zones: ['cat-bi/arrivals'], tags: ['kiosk'] }))).toEqual(['a1', 'd1', 'h2']);
    expect(ids(target({ gates: ['hai-phong'], devices: ['a1'] }))).toEqual(['a1', 'h1', 'h2']);
  });

  it('names an unknown gate, zone or screen, and refuses a target without screens', () => {
    expect(() => resolveTarget(target({ gates: ['noi-bai'] }), DEVICES, GATES)).toThrow(
      'gate noi-bai does not exist',
    );
    expect(() => resolveTarget(target({ zones: ['cat-bi/pier'] }), DEVICES, GATES)).toThrow(
      'zone cat-bi/pier',
    );
    expect(() => resolveTarget(target({ devices: ['x9'] }), DEVICES, GATES)).toThrow(
      'screen x9 does not exist',
    );
    expect(() => resolveTarget(target({ tags: ['none'] }), DEVICES, GATES)).toThrow(
      'the target names no screen',
    );
  });
});

describe('rollbackRefusal', () => {
  const release = (version: string, rollback: boolean) =>
    ({ version, manifest: { rollback } }) as StoredRelease;

  it('allows a newer release or a signed rollback release, and explains a refusal', () => {
    expect(rollbackRefusal('1.4.0', release('1.4.1', false))).toBeNull();
    expect(rollbackRefusal('1.4.0', release('1.3.0', true))).toBeNull();
    expect(rollbackRefusal('1.4.0', release('1.3.0', false))).toContain('would refuse 1.3.0');
    expect(rollbackRefusal('1.4.0', release('1.4.0', false))).toContain('not a signed rollback release');
  });
});
