import { afterEach, describe, expect, it } from 'vitest';
import {
  combineStatuses,
  parseConnectorStatus,
  parseFirstMode,
  readDisplayOutput,
  readHdmiStatus,
} from '../../../src/health/display-output.js';
import { fakeTree, type FakeTree } from './fake-tree.js';

describe('DRM connector parsing', () => {
  it('reads a status and keeps anything odd unknown', () => {
    expect(parseConnectorStatus('connected\n')).toBe('connected');
    expect(parseConnectorStatus('disconnected\n')).toBe('disconnected');
    expect(parseConnectorStatus('unknown\n')).toBe('unknown');
    expect(parseConnectorStatus(null)).toBe('unknown');
  });

  it('takes the first (preferred) mode', () => {
    expect(parseFirstMode('1920x1080\n1280x720\n720x576\n')).toEqual({ width: 1920, height: 1080 });
    expect(parseFirstMode('1920x1080i\n')).toEqual({ width: 1920, height: 1080 });
    expect(parseFirstMode('')).toBeNull();
    expect(parseFirstMode(null)).toBeNull();
  });

  it('calls a display connected on any port, disconnected only when every port says so', () => {
    expect(combineStatuses(['disconnected', 'connected'])).toBe('connected');
    expect(combineStatuses(['disconnected', 'disconnected'])).toBe('disconnected');
    expect(combineStatuses(['disconnected', 'unknown'])).toBe('unknown');
    expect(combineStatuses([])).toBe('unknown');
  });
});

describe('readDisplayOutput', () => {
  let sys: FakeTree;
  afterEach(() => sys.remove());

  it('reads a Pi 4 with a TV on its second HDMI port', async () => {
    sys = await fakeTree({
      'class/drm/card1-HDMI-A-1/status': 'disconnected\n',
      'class/drm/card1-HDMI-A-1/modes': '',
      'class/drm/card1-HDMI-A-2/status': 'connected\n',
      'class/drm/card1-HDMI-A-2/modes': '3840x2160\n1920x1080\n',
      'class/drm/card1-Composite-1/status': 'connected\n',
    });
    expect(await readDisplayOutput(sys.files)).toEqual({
      hdmi: 'connected',
      preferredMode: { width: 3840, height: 2160 },
    });
    await sys.write('class/drm/card1-HDMI-A-2/status', 'disconnected\n');
    expect(await readHdmiStatus(sys.files)).toBe('disconnected');
    expect(await readDisplayOutput(sys.files)).toEqual({ hdmi: 'disconnected', preferredMode: null });
  });

  it('is unknown on a machine without HDMI connectors', async () => {
    sys = await fakeTree({ 'class/drm/card0-DP-1/status': 'connected\n' });
    expect(await readDisplayOutput(sys.files)).toEqual({ hdmi: 'unknown', preferredMode: null });
  });
});
