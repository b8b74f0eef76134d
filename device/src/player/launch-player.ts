import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig } from '@gatecast/protocol';
import { openSession, type BrowserSession, type LossCause } from './chromium/browser-session.js';
export { preloadBrowserDriver } from './chromium/browser-session.js';
import { prepareProfile } from './chromium/chromium-profile.js';
import { findChromium } from './chromium/find-chromium.js';
import { kioskFlags } from './chromium/launch-flags.js';

export interface PlayerLaunch {
  player: AgentConfig['player'];
  dataDir: string;
  locale: string;
  languages: readonly string[];
  pageUrl: string;
  webOrigins(): readonly string[];
  bindingName: string;
  onReport(report: unknown): void;
  onLost(cause: LossCause, detail: string): void;
  log: Logger;
}

/** The profile lives in the data dir, so it survives reboots and is ours to repair. */
export function profileDir(dataDir: string): string {
  return join(dataDir, 'chromium-profile');
}

/** One launch: find Chromium, repair the profile, start it with the kiosk flags on the player page. */
export async function launchPlayerBrowser(launch: PlayerLaunch): Promise<BrowserSession> {
  const executablePath = findChromium(launch.player.chromiumPath);
  const userDataDir = profileDir(launch.dataDir);
  await prepareProfile(userDataDir, launch.log);
  const flags = kioskFlags({
    userDataDir,
    locale: launch.locale,
    languages: launch.languages,
    windowWidth: launch.player.windowWidth,
    windowHeight: launch.player.windowHeight,
    runningAsRoot: process.getuid?.() === 0,
    // A headless browser draws nowhere; only a real screen joins the compositor.
    ...(launch.player.headless ? {} : { waylandDisplay: process.env.WAYLAND_DISPLAY }),
  });
  return openSession({
    executablePath,
    flags,
    headless: launch.player.headless,
    ...viewportOf(launch.player),
    pageUrl: launch.pageUrl,
    webOrigins: launch.webOrigins,
    bindingName: launch.bindingName,
    onReport: launch.onReport,
    onLost: launch.onLost,
    log: launch.log,
  });
}

function viewportOf(player: AgentConfig['player']): { viewport?: { width: number; height: number } } {
  const { windowWidth: width, windowHeight: height } = player;
  return width !== undefined && height !== undefined ? { viewport: { width, height } } : {};
}
