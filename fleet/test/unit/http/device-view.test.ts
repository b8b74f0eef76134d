import { describe, expect, it } from 'vitest';
import { toDeviceView } from '../../../src/http/device-view.js';
import { AT, desiredFor, deviceRecord } from './fake-deps.js';

describe('toDeviceView', () => {
  const reported = {
    at: AT,
    agentVersion: '0.1.0',
    appliedVersion: 3,
    desiredSource: 'fleet' as const,
    phase: 'playing' as const,
    currentItemId: 'welcome',
    errors: [],
  };

  it('is in sync when the applied version is the desired one', () => {
    const device = deviceRecord({ id: 'cat-bi-arrivals-1', reported, agentVersion: '0.1.0' });
    const view = toDeviceView(device, { connected: true, desired: desiredFor(device, 3) });
    expect(view).toMatchObject({ desiredVersion: 3, appliedVersion: 3, inSync: true, connected: true });
    expect(view.reported).toEqual(reported);
  });

  it('is out of sync while the device lags or has no desired document', () => {
    const device = deviceRecord({ id: 'cat-bi-arrivals-1', reported });
    expect(toDeviceView(device, { connected: false, desired: desiredFor(device, 4) }).inSync).toBe(false);
    const fresh = deviceRecord({ id: 'cat-bi-arrivals-2' });
    expect(toDeviceView(fresh, { connected: false, desired: undefined })).toMatchObject({
      desiredVersion: null,
      appliedVersion: null,
      inSync: false,
    });
  });
});
