import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../../src/player/chromium/find-chromium.js';

describe('findChromium', () => {
  let bin: string;
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'gatecast-find-chromium-'));
    await writeFile(join(bin, 'chromium-browser'), '#!/bin/sh\n');
    await chmod(join(bin, 'chromium-browser'), 0o755);
    await writeFile(join(bin, 'chromium'), 'not executable');
  });
  afterAll(() => rm(bin, { recursive: true, force: true }));

  it('takes the first executable known name on PATH', () => {
    expect(findChromium(undefined, bin)).toBe(join(bin, 'chromium-browser'));
  });

  it('uses a configured absolute path, and refuses one that is not executable', () => {
    expect(findChromium(join(bin, 'chromium-browser'), '')).toBe(join(bin, 'chromium-browser'));
    expect(() => findChromium(join(bin, 'chromium'), bin)).toThrow(/configured Chromium/);
  });

  it('fails with PLAYER_UNAVAILABLE and says what to do when there is none', () => {
    expect(() => findChromium(undefined, '/nonexistent')).toThrow(
      expect.objectContaining({
        code: 'PLAYER_UNAVAILABLE',
        message: expect.stringContaining('player.chromiumPath'),
      }),
    );
  });
});
