import { randomBytes } from 'node:crypto';
import {
  GatecastError,
  commandRequestSchema,
  describeZodError,
  type CommandName,
  type CommandResult,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';

export interface CommandClientDeps {
  broker: Pick<Broker, 'publishToDevice' | 'isConnected'>;
  log: Logger;
  now?: () => Date;
  /** Upper bound on commands awaiting an answer, so a stuck fleet cannot grow without end. */
  maxPending?: number;
}

interface Pending {
  deviceId: string;
  resolve(result: CommandResult): void;
  reject(error: GatecastError): void;
  timer: NodeJS.Timeout;
}

const MAX_TIMEOUT_MS = 10 * 60_000;

/**
 * Request/response over MQTT 3.1.1: a correlation id in the payload (there are no response
 * topics), matched when the device's cmd/res comes back through the inbox.
 */
export class CommandClient {
  private readonly deps: CommandClientDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly pending = new Map<string, Pending>();
  private stopped = false;

  constructor(deps: CommandClientDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'commands' });
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Sends cmd/req with a fresh correlation id and expiresAt = now + timeout; resolves with the
   * device's result (ok or not). Rejects DEVICE_OFFLINE, COMMAND_TIMEOUT, BAD_REQUEST for bad
   * arguments, RATE_LIMITED when too many are pending, UNAVAILABLE after stop().
   */
  async send(
    deviceId: string,
    name: CommandName,
    args: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CommandResult> {
    if (this.stopped) throw new GatecastError('UNAVAILABLE', 'the command client is stopped');
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new GatecastError('BAD_REQUEST', `timeout must be 1-${MAX_TIMEOUT_MS} ms`);
    }
    if (!this.deps.broker.isConnected(deviceId)) {
      throw new GatecastError('DEVICE_OFFLINE', `device ${deviceId} is not connected`);
    }
    if (this.pending.size >= (this.deps.maxPending ?? 10_000)) {
      throw new GatecastError('RATE_LIMITED', 'too many commands are awaiting an answer');
    }
    const issued = this.now();
    const request = commandRequestSchema.safeParse({
      id: randomBytes(16).toString('base64url'),
      name,
      args,
      issuedAt: issued.toISOString(),
      expiresAt: new Date(issued.getTime() + timeoutMs).toISOString(),
    });
    if (!request.success) {
      throw new GatecastError('BAD_REQUEST', `command ${name}: ${describeZodError(request.error)}`);
    }
    const { id } = request.data;
    // Registered before publishing: a fast device may answer before publish() resolves.
    const answer = this.await(id, deviceId, name, timeoutMs);
    try {
      await this.deps.broker.publishToDevice(deviceId, 'cmd/req', request.data);
    } catch (error) {
      this.settle(id)?.reject(
        new GatecastError('UNAVAILABLE', `could not send: ${(error as Error).message}`),
      );
    }
    return answer;
  }

  /** A cmd/res from the inbox. Unknown ids (late or forged answers) and wrong devices are ignored. */
  handleResult(deviceId: string, result: CommandResult): void {
    const pending = this.pending.get(result.id);
    if (!pending) {
      this.log.info({ deviceId, id: result.id }, 'command result for no pending command ignored');
      return;
    }
    if (pending.deviceId !== deviceId) {
      this.log.warn(
        { deviceId, expected: pending.deviceId, id: result.id },
        'command result from another device ignored',
      );
      return;
    }
    this.settle(result.id)?.resolve(result);
  }

  /** Rejects every pending command with UNAVAILABLE and clears their timers. */
  stop(): void {
    this.stopped = true;
    for (const id of [...this.pending.keys()]) {
      this.settle(id)?.reject(new GatecastError('UNAVAILABLE', 'the fleet is shutting down'));
    }
  }

  pendingCount(): number {
    return this.pending.size;
  }

  private await(id: string, deviceId: string, name: string, timeoutMs: number): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log.info({ deviceId, id, name, timeoutMs }, 'command timed out');
        this.settle(id)?.reject(
          new GatecastError(
            'COMMAND_TIMEOUT',
            `device ${deviceId} did not answer ${name} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { deviceId, resolve, reject, timer });
    });
  }

  /** Removes a pending command and its timer; the caller resolves or rejects it. */
  private settle(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    return pending;
  }
}
