import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  desiredSchema,
  type AgentConfig,
  type DesiredDocument,
  type DesiredDocumentInput,
  type DeviceEvent,
} from '@gatecast/protocol';
import { systemClock } from '../../../src/lib/clock.js';
import { makeEvent } from '../../../src/lib/device-event.js';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { ChromiumScreen, type ChromiumScreenOptions } from '../../../src/player/chromium-screen.js';
import { findChromium } from '../../../src/player/chromium/find-chromium.js';
import type { ScreenState } from '../../../src/player/screen-state.js';
import { tempDir, testLogger } from '../helpers/fixtures.js';

/** Why the Chromium tests cannot run here, or null. In CI a missing Chromium is a failure. */
export function chromiumMissing(): string | null {
  try {
    findChromium(undefined);
    return null;
  } catch (error) {
    if (process.env.CI) throw error;
    const reason = `skipping the Chromium player tests: ${(error as Error).message}`;
    console.error(reason);
    return reason;
  }
}

export const WIDTH = 640;
export const HEIGHT = 360;

export function playerConfig(overrides: Partial<AgentConfig['player']> = {}): AgentConfig['player'] {
  return {
    mode: 'chromium',
    headless: true,
    windowWidth: WIDTH,
    windowHeight: HEIGHT,
    pagePort: 0,
    webAllowList: [],
    cacheQuotaMb: 64,
    displayCheckSec: 30,
    ...overrides,
  };
}

export function document(content: DesiredDocumentInput['content'], version = 1): DesiredDocument {
  return desiredSchema.parse({
    version,
    deviceId: 'cat-bi-arr-01',
    issuedAt: '2026-11-26T08:00:00.000Z',
    device: { name: 'Arrivals hall 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'], languageRotationSec: 60 },
    content,
  } satisfies DesiredDocumentInput);
}

/** Serves fixture files to the media cache, as the fleet's media store would. */
export async function startMediaOrigin(
  files: Record<string, Buffer>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const body = files[(request.url ?? '/').slice(1)];
    if (!body) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Harness {
  screen: ChromiumScreen;
  media: MediaCache;
  dataDir: string;
  events: DeviceEvent[];
  states: ScreenState[];
  close(): Promise<void>;
}

/** A ChromiumScreen with a real media cache in a temp dir; quick supervision for the fault tests. */
export async function startHarness(
  options: Partial<Omit<ChromiumScreenOptions, 'media' | 'dataDir' | 'log' | 'onEvent' | 'clock'>> & {
    dataDir?: string;
  } = {},
): Promise<Harness> {
  const dir = await tempDir('player');
  const dataDir = options.dataDir ?? dir.path;
  const log = testLogger();
  const media = createMediaCache({ dir: join(dataDir, 'media'), quotaBytes: 64 * 1024 * 1024, log });
  await media.start();
  const events: DeviceEvent[] = [];
  const states: ScreenState[] = [];
  const screen = new ChromiumScreen({
    player: options.player ?? playerConfig(),
    dataDir,
    media,
    clock: systemClock,
    log,
    onEvent: (body) => events.push(makeEvent(systemClock, body)),
    onState: (state) => states.push(state),
    supervision: options.supervision ?? { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 1_500 },
    ...(options.clockSynchronized ? { clockSynchronized: options.clockSynchronized } : {}),
    ...(options.kiosk ? { kiosk: options.kiosk } : {}),
  });
  await screen.start();
  return {
    screen,
    media,
    dataDir,
    events,
    states,
    close: async () => {
      await screen.stop();
      await media.stop();
      if (existsSync(dir.path)) await dir.remove();
    },
  };
}

/** Runs a DOM expression in the player page (a string: the tests compile without the DOM types). */
export async function pageValue<T>(harness: Harness, expression: string): Promise<T | null> {
  const page = harness.screen.session?.page;
  if (!page) return null;
  try {
    return (await page.evaluate(expression)) as T;
  } catch {
    return null;
  }
}

/** The item ids on screen in the main zone (the current one, not the staged one). */
export function mainItem(harness: Harness): Promise<string | null> {
  return pageValue<string | null>(
    harness,
    `(document.querySelector('#zone-main .item.current') || {dataset:{}}).dataset.itemId ?? null`,
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
