import { GatecastError, type CommandRequest } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';

/** What the commands need of the kiosk player (ChromiumScreen has all of it). */
export interface PlayerControls {
  screenshot(): Promise<Buffer | null>;
  reload(): Promise<void>;
  restartBrowser(): void;
}

export interface ScreenshotReceipt {
  screenshotId: string;
  bytes: number;
}

/** Where a screenshot goes: the fleet's device API. */
export interface ScreenshotUploader {
  uploadScreenshot(png: Buffer): Promise<ScreenshotReceipt>;
}

export interface ScreenCommandContext {
  clock: Clock;
  /** Null when the agent runs without a player (`player.mode: none`). */
  player: PlayerControls | null;
  /** Null when the agent config names no `fleetUrl`. */
  uploader: ScreenshotUploader | null;
}

type Handler<N extends CommandRequest['name']> = (
  request: Extract<CommandRequest, { name: N }>,
) => Promise<Record<string, unknown>>;

function requirePlayer(context: ScreenCommandContext): PlayerControls {
  if (!context.player) throw new GatecastError('PLAYER_UNAVAILABLE', 'this device runs without a player');
  return context.player;
}

export function createScreenCommands(context: ScreenCommandContext): {
  screenshot: Handler<'screenshot'>;
  reload: Handler<'reload'>;
  'restart-browser': Handler<'restart-browser'>;
} {
  return {
    async screenshot() {
      const player = requirePlayer(context);
      if (!context.uploader) throw new GatecastError('UNAVAILABLE', 'the agent config has no fleetUrl');
      const takenAt = context.clock.now().toISOString();
      const png = await player.screenshot();
      if (!png) throw new GatecastError('PLAYER_UNAVAILABLE', 'the player is not running');
      const receipt = await context.uploader.uploadScreenshot(png);
      return { screenshotId: receipt.screenshotId, bytes: receipt.bytes, takenAt };
    },
    async reload() {
      await requirePlayer(context).reload();
      return {};
    },
    async 'restart-browser'() {
      requirePlayer(context).restartBrowser();
      return {};
    },
  };
}
