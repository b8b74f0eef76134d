import type { Logger } from 'pino';
import {
  COMMAND_NAMES,
  GatecastError,
  correlationIdSchema,
  type CommandRequest,
  type CommandResult,
  type ErrorCode,
  type RejectedMessage,
} from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import type { CommandHandlers } from './command-handlers.js';
import { LruCache } from './lru-cache.js';

export interface CommandRouterOptions {
  handlers: CommandHandlers;
  clock: Clock;
  log: Logger;
  /** How many recent correlation ids to remember; a retransmission is answered from here. */
  cacheSize?: number;
}

export interface CommandRouter {
  /** Runs a request once per correlation id; a repeat gets the first answer again. */
  handle(request: CommandRequest): Promise<CommandResult>;
  /** The answer to a request that failed the schema, or null when it cannot be answered. */
  answerRejected(rejected: RejectedMessage, raw: Buffer | string): CommandResult | null;
}

export function createCommandRouter(options: CommandRouterOptions): CommandRouter {
  const log = options.log.child({ mod: 'commands' });
  const answered = new LruCache<string, Promise<CommandResult>>(options.cacheSize ?? 200);
  const now = (): string => options.clock.now().toISOString();
  const fail = (id: string, name: string, code: ErrorCode, message: string): CommandResult => ({
    id,
    name,
    at: now(),
    ok: false,
    problem: { code, message: message.slice(0, 500) },
  });

  async function run(request: CommandRequest): Promise<CommandResult> {
    const { id, name, expiresAt } = request;
    if (expiresAt !== undefined && Date.parse(expiresAt) < options.clock.now().getTime()) {
      log.warn({ id, name, expiresAt }, 'command expired; not run');
      return fail(id, name, 'COMMAND_EXPIRED', `expired at ${expiresAt}`);
    }
    try {
      // The handler map is keyed by the same union the request is narrowed by.
      const handler = options.handlers[name] as (request: CommandRequest) => Promise<Record<string, unknown>>;
      const result = await handler(request);
      log.info({ id, name }, 'command done');
      return { id, name, at: now(), ok: true, result };
    } catch (error) {
      // A catalogue code from the handler (PLAYER_UNAVAILABLE, HARDWARE_UNAVAILABLE…) is kept.
      const code = error instanceof GatecastError ? error.code : 'COMMAND_FAILED';
      log.warn({ id, name, code, err: (error as Error).message }, 'command failed');
      return fail(id, name, code, (error as Error).message);
    }
  }

  return {
    handle(request) {
      const earlier = answered.get(request.id);
      if (earlier) {
        log.info({ id: request.id, name: request.name }, 'repeated command; resending its result');
        return earlier;
      }
      const result = run(request);
      answered.set(request.id, result);
      return result;
    },
    answerRejected(rejected, raw) {
      if (rejected.kind !== 'cmd/req' || rejected.code !== 'INVALID_PAYLOAD') return null;
      const body = parseObject(raw);
      const id = correlationIdSchema.safeParse(body?.id);
      if (!body || !id.success) return null;
      const name = typeof body.name === 'string' && body.name.length > 0 ? body.name.slice(0, 64) : '(none)';
      if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
        return fail(id.data, name, 'UNKNOWN_COMMAND', `unknown command: ${name}`);
      }
      return fail(id.data, name, 'INVALID_PAYLOAD', rejected.reason);
    },
  };
}

function parseObject(raw: Buffer | string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw.toString());
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
