import { describe, expect, it } from 'vitest';
import { screenSettingsFromEnv } from '../../../src/commissioning/screen-settings.js';

describe('commissioning screen settings come from the environment', () => {
  it('defaults to a kiosk Chromium on PATH, the real host and a 10 s config re-read', () => {
    expect(screenSettingsFromEnv({})).toMatchObject({
      player: { mode: 'chromium', headless: false },
      port: 0,
      recheckMs: 10_000,
      hostRoot: '/',
      retryPauseMs: 30_000,
    });
    expect(screenSettingsFromEnv({}).player.chromiumPath).toBeUndefined();
  });

  it('lets tests run headless with a given Chromium, or without a screen', () => {
    const headless = screenSettingsFromEnv({
      GATECAST_CHROMIUM_PATH: '/usr/bin/chromium',
      GATECAST_PLAYER_HEADLESS: '1',
      GATECAST_COMMISSIONING_RECHECK_MS: '300',
      GATECAST_HOST_ROOT: '/tmp/fake-host',
    });
    expect(headless).toMatchObject({
      player: { mode: 'chromium', headless: true, chromiumPath: '/usr/bin/chromium', windowWidth: 1280 },
      recheckMs: 300,
      hostRoot: '/tmp/fake-host',
    });
    expect(screenSettingsFromEnv({ GATECAST_PLAYER_MODE: 'none' }).player.mode).toBe('none');
    expect(screenSettingsFromEnv({ GATECAST_COMMISSIONING_PORT: 'nonsense' }).port).toBe(0);
  });
});
