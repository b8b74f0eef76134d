import { ERROR_CODE_NAMES, GatecastError, type ErrorCode } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { ScreenshotReceipt, ScreenshotUploader } from '../commands/screen-commands.js';

export interface FleetClientOptions {
  /** The fleet's HTTP address from the agent config (`fleetUrl`). */
  fleetUrl: string;
  deviceId: string;
  secret: string;
  log: Logger;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The device's HTTP channel to the fleet, for what is too big for MQTT. It authenticates with the
 * device's own id and secret (Basic), the same pair the broker checks.
 */
export class FleetClient implements ScreenshotUploader {
  private readonly log: Logger;
  private readonly authorization: string;

  constructor(private readonly options: FleetClientOptions) {
    this.log = options.log.child({ mod: 'fleet-http' });
    const pair = `${options.deviceId}:${options.secret}`;
    this.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }

  async uploadScreenshot(png: Buffer): Promise<ScreenshotReceipt> {
    const body = await this.request('POST', '/api/v1/device/screenshots', png, 'image/png');
    const receipt = body as Partial<ScreenshotReceipt> | null;
    if (typeof receipt?.screenshotId !== 'string' || typeof receipt.bytes !== 'number') {
      throw new GatecastError('COMMAND_FAILED', 'the fleet answered the upload without a screenshot id');
    }
    this.log.info({ screenshotId: receipt.screenshotId, bytes: receipt.bytes }, 'screenshot uploaded');
    return { screenshotId: receipt.screenshotId, bytes: receipt.bytes };
  }

  private async request(method: string, path: string, body: Buffer, contentType: string): Promise<unknown> {
    // Appended, not resolved: a fleet behind a proxy may live under a path (https://host/gatecast).
    const url = new URL(`${this.options.fleetUrl.replace(/\/+$/, '')}${path}`);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: this.authorization, 'content-type': contentType },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new GatecastError(
        'UNAVAILABLE',
        `fleet unreachable at ${url.origin}: ${(error as Error).message}`,
      );
    }
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok) return answer;
    throw fleetError(response.status, answer);
  }
}

/** The fleet's `{ error: { code, message } }` as a GatecastError, so the command result carries its code. */
function fleetError(status: number, answer: unknown): GatecastError {
  const error = (answer as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  const code = isErrorCode(error?.code) ? error.code : 'COMMAND_FAILED';
  return new GatecastError(code, `fleet refused the upload: ${message}`);
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODE_NAMES as readonly string[]).includes(value);
}
