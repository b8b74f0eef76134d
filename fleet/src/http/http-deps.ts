import type { Logger } from 'pino';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { Broker } from '../broker/broker.js';
import type { CommandClient } from '../commands/command-client.js';
import type { DesiredService } from '../desired/desired-service.js';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';

/** What the HTTP API needs from the rest of the fleet; narrow so tests can hand in small fakes. */
export interface HttpDeps {
  log: Logger;
  gates: Pick<GatesRepo, 'list' | 'get' | 'create' | 'addZone'>;
  devices: Pick<DevicesRepo, 'create' | 'get' | 'list' | 'remove'>;
  desired: Pick<DesiredService, 'refresh' | 'latest' | 'forget'>;
  commands: Pick<CommandClient, 'send'>;
  broker: Pick<Broker, 'kick' | 'isConnected' | 'stats'>;
  tokens: Pick<ApiTokens, 'verify'>;
  /** Written into every enrolled agent's config. */
  publicMqttUrl: string;
  /** Used when a command request does not name its own timeout. */
  commandTimeoutMs: number;
  now?: () => Date;
}
