import { GatecastError, commandRequestSchema, type CommandRequest } from '@gatecast/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCommandHandlers } from '../../../src/commands/command-handlers.js';
import { createCommandRouter } from '../../../src/commands/command-router.js';
import { DeferredTasks } from '../../../src/commands/deferred-tasks.js';
import type { PlayerControls, ScreenshotUploader } from '../../../src/commands/screen-commands.js';
import { FakeDisplayPower, FakeRebooter } from '../../../src/hardware/fake-hardware.js';

const log = pino({ level: 'silent' });
const now = new Date('2026-11-26T08:00:00.000Z');
const clock = { now: () => now };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

class FakePlayer implements PlayerControls {
  calls: string[] = [];
  constructor(private readonly shot: Buffer | null = PNG) {}
  async screenshot() {
    this.calls.push('screenshot');
    return this.shot;
  }
  async reload() {
    this.calls.push('reload');
  }
  restartBrowser() {
    this.calls.push('restart-browser');
  }
}

function setup(overrides: { player?: PlayerControls | null; uploader?: ScreenshotUploader | null } = {}) {
  const uploads: Buffer[] = [];
  const uploader: ScreenshotUploader = {
    async uploadScreenshot(png) {
      uploads.push(png);
      return { screenshotId: '20261126T080000000Z-0a1b2c3d', bytes: png.length };
    },
  };
  const rebooter = new FakeRebooter();
  const display = new FakeDisplayPower();
  const errors: Error[] = [];
  const deferred = new DeferredTasks((error) => errors.push(error));
  const handlers = createCommandHandlers({
    agentVersion: '1.2.3',
    clock,
    indicator: { identify: async () => {} },
    appliedVersion: () => 1,
    uptimeSec: () => 1,
    player: overrides.player === undefined ? new FakePlayer() : overrides.player,
    uploader: overrides.uploader === undefined ? uploader : overrides.uploader,
    rebooter,
    display,
    deferred,
  });
  const router = createCommandRouter({ handlers, clock, log });
  return { router, uploads, rebooter, display, deferred, errors };
}

function request(id: string, name: string, args?: unknown): CommandRequest {
  return commandRequestSchema.parse({ id, name, issuedAt: now.toISOString(), args });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the screenshot command', () => {
  it('uploads the PNG the player took and answers with the upload id, size and time', async () => {
    const { router, uploads } = setup();
    const result = await router.handle(request('shot-0001', 'screenshot'));
    expect(result).toEqual({
      id: 'shot-0001',
      name: 'screenshot',
      at: now.toISOString(),
      ok: true,
      result: { screenshotId: '20261126T080000000Z-0a1b2c3d', bytes: PNG.length, takenAt: now.toISOString() },
    });
    expect(uploads).toEqual([PNG]);
  });

  it('answers PLAYER_UNAVAILABLE without a player, or while the browser is down', async () => {
    for (const player of [null, new FakePlayer(null)]) {
      const { router, uploads } = setup({ player });
      const result = await router.handle(request('shot-0002', 'screenshot'));
      expect(result).toMatchObject({ ok: false, problem: { code: 'PLAYER_UNAVAILABLE' } });
      expect(uploads).toEqual([]);
    }
  });

  it('answers UNAVAILABLE when the config names no fleet to upload to', async () => {
    const player = new FakePlayer();
    const { router } = setup({ player, uploader: null });
    const result = await router.handle(request('shot-0003', 'screenshot'));
    expect(result).toMatchObject({ ok: false, problem: { code: 'UNAVAILABLE' } });
    expect(player.calls).toEqual([]);
  });

  it("keeps the code of the fleet's refusal", async () => {
    const uploader: ScreenshotUploader = {
      uploadScreenshot: async () => {
        throw new GatecastError('PAYLOAD_TOO_LARGE', 'fleet refused the upload: too big');
      },
    };
    const { router } = setup({ uploader });
    const result = await router.handle(request('shot-0004', 'screenshot'));
    expect(result).toMatchObject({ ok: false, problem: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('reload and restart-browser', () => {
  it('ask the player to reload the page or restart the browser', async () => {
    const player = new FakePlayer();
    const { router } = setup({ player });
    expect(await router.handle(request('reload-001', 'reload'))).toMatchObject({ ok: true });
    expect(await router.handle(request('restart-01', 'restart-browser'))).toMatchObject({ ok: true });
    expect(player.calls).toEqual(['reload', 'restart-browser']);
  });

  it('answer PLAYER_UNAVAILABLE without a player', async () => {
    const { router } = setup({ player: null });
    for (const name of ['reload', 'restart-browser']) {
      const result = await router.handle(request(`${name}-002`, name));
      expect(result).toMatchObject({ ok: false, problem: { code: 'PLAYER_UNAVAILABLE' } });
    }
  });
});

describe('the reboot command', () => {
  it('reboots only after its answer was handed over, and after the delay', async () => {
    vi.useFakeTimers({ now });
    const { router, rebooter, deferred } = setup();
    const result = await router.handle(request('reboot-001', 'reboot', { delaySec: 3 }));
    expect(result).toMatchObject({ ok: true, result: { rebootAt: '2026-11-26T08:00:03.000Z' } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rebooter.reboots).toBe(0);
    deferred.answered('reboot-001');
    await vi.advanceTimersByTimeAsync(2_999);
    expect(rebooter.reboots).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(rebooter.reboots).toBe(1);
  });

  it('waits at least a second even with delaySec 0, so the answer can leave', async () => {
    vi.useFakeTimers({ now });
    const { router, rebooter, deferred } = setup();
    await router.handle(request('reboot-002', 'reboot', { delaySec: 0 }));
    deferred.answered('reboot-002');
    await vi.advanceTimersByTimeAsync(999);
    expect(rebooter.reboots).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(rebooter.reboots).toBe(1);
  });

  it('does not reboot after stop, nor twice for a retransmitted request', async () => {
    vi.useFakeTimers({ now });
    const { router, rebooter, deferred } = setup();
    await router.handle(request('reboot-003', 'reboot', { delaySec: 1 }));
    deferred.answered('reboot-003');
    await router.handle(request('reboot-003', 'reboot', { delaySec: 1 }));
    deferred.answered('reboot-003');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rebooter.reboots).toBe(1);
    await router.handle(request('reboot-004', 'reboot', { delaySec: 1 }));
    deferred.answered('reboot-004');
    deferred.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rebooter.reboots).toBe(1);
  });
});

describe('the display command', () => {
  it('switches the TV and reads its power state back', async () => {
    const { router, display } = setup();
    const standby = await router.handle(request('disp-0001', 'display', { action: 'standby' }));
    expect(standby).toMatchObject({ ok: true, result: { action: 'standby', power: 'standby' } });
    expect(display.power).toBe('standby');
    const status = await router.handle(request('disp-0002', 'display', { action: 'status' }));
    expect(status).toMatchObject({ ok: true, result: { action: 'status', power: 'standby' } });
    const on = await router.handle(request('disp-0003', 'display', { action: 'on' }));
    expect(on).toMatchObject({ ok: true, result: { action: 'on', power: 'on' } });
  });

  it('answers HARDWARE_UNAVAILABLE where there is no HDMI-CEC', async () => {
    const handlers = createCommandHandlers({
      agentVersion: '1.2.3',
      clock,
      indicator: { identify: async () => {} },
      appliedVersion: () => 1,
      uptimeSec: () => 1,
      player: null,
      uploader: null,
      rebooter: new FakeRebooter(),
      display: new FakeDisplayPower(false),
      deferred: new DeferredTasks(() => {}),
    });
    const router = createCommandRouter({ handlers, clock, log });
    const result = await router.handle(request('disp-0004', 'display', { action: 'on' }));
    expect(result).toMatchObject({ ok: false, problem: { code: 'HARDWARE_UNAVAILABLE' } });
  });
});
