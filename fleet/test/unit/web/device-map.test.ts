import { describe, expect, it } from 'vitest';
import { applyDeviceUpdates, fromSnapshot, parseDeviceEvent } from '../../../web/src/model/device-map.js';
import { deviceView, minutesAgo } from './device-fixture.js';

const offline = deviceView({
  presence: { state: 'offline', since: minutesAgo(0), lastSeenAt: minutesAgo(0) },
});

describe('keeping the devices current', () => {
  it('applies updates in order; the last word on a device wins', () => {
    const start = new Map([[deviceView().id, deviceView()]]);
    const next = applyDeviceUpdates(start, [offline, deviceView({ name: 'Renamed' })]);
    expect(next.get('cat-bi-belt-01')?.name).toBe('Renamed');
    expect(next.get('cat-bi-belt-01')?.presence.state).toBe('online');
    expect(start.get('cat-bi-belt-01')?.name).toBe('Arrivals hall, belt 1');
  });

  it('applies the updates that arrived during a reload on top of the reloaded list', () => {
    const map = fromSnapshot(
      [deviceView(), deviceView({ id: 'port-01', gateId: 'hai-phong-port' })],
      [offline],
    );
    expect([...map.keys()]).toEqual(['cat-bi-belt-01', 'port-01']);
    expect(map.get('cat-bi-belt-01')?.presence.state).toBe('offline');
  });

  it('accepts a device event and ignores anything else', () => {
    expect(parseDeviceEvent(JSON.stringify(deviceView()))?.id).toBe('cat-bi-belt-01');
    for (const data of [
      '',
      'not json',
      'null',
      '{}',
      '{"id":"x"}',
      '{"id":"x","gateId":"g","presence":null}',
    ]) {
      expect({ data, parsed: parseDeviceEvent(data) }).toEqual({ data, parsed: null });
    }
  });
});
