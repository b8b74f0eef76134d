import { describe, expect, it } from 'vitest';
import { kioskFlags } from '../../../src/player/chromium/launch-flags.js';
import { markCleanExit } from '../../../src/player/chromium/chromium-profile.js';
import { restartDelayMs } from '../../../src/player/chromium/restart-backoff.js';
import { needsRecycle } from '../../../src/player/chromium/memory-watch.js';
import { navigationVerdict } from '../../../src/player/chromium/navigation-policy.js';

describe('kioskFlags', () => {
  const base = {
    userDataDir: '/var/lib/gatecast/chromium-profile',
    locale: 'vi',
    languages: ['vi', 'en', 'zh-Hans'],
  };

  it('starts a kiosk with its own profile, no dialogs, no background traffic and autoplay allowed', () => {
    const flags = kioskFlags({ ...base, runningAsRoot: false });
    expect(flags).toEqual(
      expect.arrayContaining([
        '--user-data-dir=/var/lib/gatecast/chromium-profile',
        '--kiosk',
        '--noerrdialogs',
        '--disable-infobars',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-translate',
        '--disable-features=Translate,MediaRouter',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-session-crashed-bubble',
        '--lang=vi',
        '--accept-lang=vi,en,zh-Hans',
      ]),
    );
    expect(flags.some((flag) => flag.startsWith('--remote-debugging-port'))).toBe(false);
  });

  it('turns the sandbox off only as root', () => {
    expect(kioskFlags({ ...base, runningAsRoot: false })).not.toContain('--no-sandbox');
    expect(kioskFlags({ ...base, runningAsRoot: true })).toContain('--no-sandbox');
  });

  it('puts the locale first in Accept-Language, once', () => {
    const flags = kioskFlags({ ...base, locale: 'en', runningAsRoot: false });
    expect(flags).toContain('--accept-lang=en,vi,zh-Hans');
  });

  it('sizes the window only when both dimensions are given', () => {
    expect(kioskFlags({ ...base, runningAsRoot: false, windowWidth: 1920, windowHeight: 1080 })).toContain(
      '--window-size=1920,1080',
    );
    expect(kioskFlags({ ...base, runningAsRoot: false, windowWidth: 1920 }).join(' ')).not.toContain(
      'window-size',
    );
  });

  it('joins the kiosk compositor over Wayland when it runs under one', () => {
    expect(kioskFlags({ ...base, runningAsRoot: false })).not.toContain('--ozone-platform=wayland');
    expect(kioskFlags({ ...base, runningAsRoot: false, waylandDisplay: 'wayland-0' })).toContain(
      '--ozone-platform=wayland',
    );
  });
});

describe('markCleanExit', () => {
  it('records a clean exit and keeps the other preferences', () => {
    const marked = markCleanExit({
      profile: { exit_type: 'Crashed', name: 'kiosk' },
      intl: { accept_languages: 'vi' },
    });
    expect(marked).toEqual({
      profile: { exit_type: 'Normal', exited_cleanly: true, name: 'kiosk' },
      intl: { accept_languages: 'vi' },
    });
  });

  it('repairs a profile entry that is not an object', () => {
    expect(markCleanExit({ profile: 'garbage' })).toEqual({
      profile: { exit_type: 'Normal', exited_cleanly: true },
    });
  });
});

describe('restartDelayMs', () => {
  it('retries within 5 s for the first attempts, then backs off to at most 30 s', () => {
    for (let attempt = 0; attempt < 5; attempt++) expect(restartDelayMs(attempt)).toBeLessThan(5_000);
    expect(restartDelayMs(0)).toBeLessThan(1_000);
    expect(restartDelayMs(6)).toBeGreaterThan(restartDelayMs(4));
    expect(restartDelayMs(100)).toBe(30_000);
  });
});

describe('needsRecycle', () => {
  const policy = { limitBytes: 100, samples: 3 };
  it.each([
    ['too few samples', [150, 160], false],
    ['above the limit and growing', [90, 150, 160, 170], true],
    ['above the limit and flat', [150, 150, 150], true],
    ['a single spike', [50, 500, 60], false],
    ['high but falling', [300, 200, 150], false],
    ['one sample under the limit', [150, 90, 160], false],
  ] as const)('%s → %s', (_case, history, expected) => {
    expect(needsRecycle(history, policy)).toBe(expected);
  });
});

describe('navigationVerdict', () => {
  const player = 'http://127.0.0.1:40123';
  const request = (url: string, topFrame: boolean) => ({
    url,
    topFrame,
    playerOrigin: player,
    webOrigins: ['https://flights.haiphong.example'],
  });

  it('keeps the top frame on the player page', () => {
    expect(navigationVerdict(request(`${player}/`, true))).toBe(true);
    expect(navigationVerdict(request('https://flights.haiphong.example/', true))).toBe(false);
    expect(navigationVerdict(request('https://evil.example/', true))).toBe(false);
  });

  it('lets frames show the player origin and allow-listed origins only', () => {
    expect(navigationVerdict(request(`${player}/packages/x/index.html`, false))).toBe(true);
    expect(navigationVerdict(request('https://flights.haiphong.example/arrivals?x=1', false))).toBe(true);
    expect(navigationVerdict(request('http://flights.haiphong.example/', false))).toBe(false);
    expect(navigationVerdict(request('https://flights.haiphong.example.evil.example/', false))).toBe(false);
  });

  it('refuses other schemes and garbage', () => {
    expect(navigationVerdict(request('file:///etc/passwd', false))).toBe(false);
    expect(navigationVerdict(request('javascript:alert(1)', true))).toBe(false);
    expect(navigationVerdict(request('not a url', false))).toBe(false);
    expect(navigationVerdict(request('about:blank', false))).toBe(true);
  });
});
