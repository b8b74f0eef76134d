import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { AgentConfig, DesiredDocument, DesiredDocumentInput } from '@gatecast/protocol';
import { desiredSchema } from '@gatecast/protocol';
import type { Screen } from '../../../src/reconcile/screen.js';

export const DEVICE_ID = 'cat-bi-arr-01';
export const SECRET = 'test-secret-cat-bi-arr-01-0123456789';

/** Silent by default; GATECAST_TEST_LOG=debug shows the agent's own log lines. */
export function testLogger(): Logger {
  return pino({ level: process.env.GATECAST_TEST_LOG ?? 'silent' });
}

export function agentConfig(
  url: string,
  dataDir: string,
  overrides: Partial<AgentConfig['mqtt']> = {},
): AgentConfig {
  return {
    deviceId: DEVICE_ID,
    secret: SECRET,
    mqtt: { url, keepaliveSec: 5, reconnectMinMs: 100, reconnectMaxMs: 1_000, ...overrides },
    dataDir,
    healthIntervalSec: 3_600,
    logLevel: 'info',
    updates: { publicKeys: [], healthGateSec: 300, healthTimeoutSec: 900, maxStarts: 3 },
    // These tests drive the agent, not the screen: no Chromium.
    player: {
      mode: 'none',
      headless: true,
      pagePort: 0,
      webAllowList: [],
      cacheQuotaMb: 64,
      displayCheckSec: 30,
    },
  };
}

export function desired(
  version: number,
  itemId = `welcome-${version}`,
  deviceId = DEVICE_ID,
): DesiredDocument {
  const input: DesiredDocumentInput = {
    version,
    deviceId,
    issuedAt: '2026-11-26T08:00:00.000Z',
    device: { name: 'Arrivals hall 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en', 'zh-Hans'] },
    content: {
      defaultItem: {
        kind: 'text',
        id: itemId,
        body: { vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong', 'zh-Hans': '欢迎来到海防' },
      },
    },
  };
  return desiredSchema.parse(input);
}

/** The display edge, recorded: what the agent asked the screen to show, in order. */
export class RecordingScreen implements Screen {
  readonly shown: DesiredDocument[] = [];

  async show(document: DesiredDocument): Promise<void> {
    this.shown.push(document);
  }

  versions(): number[] {
    return this.shown.map((document) => document.version);
  }
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `gatecast-${prefix}-`));
  // Retries: a Chromium helper process may still be writing to its profile as the test ends.
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }) };
}

/** Polls until `check` passes; for state that has no message to wait on. */
export async function eventually(check: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
