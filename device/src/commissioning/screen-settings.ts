import { agentConfigSchema, type AgentConfig } from '@gatecast/protocol';

/** How the commissioning screen runs. The config is missing or broken, so this comes from env. */
export interface ScreenSettings {
  player: AgentConfig['player'];
  /** The page server's port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** How often the config file is read again. */
  recheckMs: number;
  /** `/` on the screen; tests give a fake tree for the serial and the network. */
  hostRoot: string;
  /** Pause after a refused enrolment before a new request. */
  retryPauseMs: number;
}

const HEADLESS_SIZE = { windowWidth: 1280, windowHeight: 720 };

export function screenSettingsFromEnv(env: NodeJS.ProcessEnv): ScreenSettings {
  const headless = env.GATECAST_PLAYER_HEADLESS === '1' || env.GATECAST_PLAYER_HEADLESS === 'true';
  // The player's own defaults (kiosk Chromium on PATH), with what the environment overrides.
  const player = agentConfigSchema.shape.player.parse({
    mode: env.GATECAST_PLAYER_MODE === 'none' ? 'none' : 'chromium',
    headless,
    ...(env.GATECAST_CHROMIUM_PATH ? { chromiumPath: env.GATECAST_CHROMIUM_PATH } : {}),
    ...(headless ? HEADLESS_SIZE : {}),
  });
  return {
    player,
    port: integer(env.GATECAST_COMMISSIONING_PORT, 0),
    recheckMs: integer(env.GATECAST_COMMISSIONING_RECHECK_MS, 10_000),
    hostRoot: env.GATECAST_HOST_ROOT || '/',
    retryPauseMs: integer(env.GATECAST_ENROLMENT_RETRY_MS, 30_000),
  };
}

function integer(value: string | undefined, fallback: number): number {
  const parsed = Number.parseInt(value ?? '', 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}
