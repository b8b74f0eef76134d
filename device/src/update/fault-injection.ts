import type { UpdateState } from '@gatecast/protocol';

/**
 * The power-cut hook for tests: with `GATECAST_FAULT_KILL_AT=<update state>` in its environment, the
 * agent (or the launcher) kills itself with SIGKILL right after it persisted that state, the way a
 * cut cable would stop it, with no handler run and nothing flushed. Production units never set it.
 */
export const FAULT_KILL_ENV = 'GATECAST_FAULT_KILL_AT';

export function faultKillState(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env[FAULT_KILL_ENV];
  return value === undefined || value === '' ? null : value;
}

/** Called right after `state` is on disk; dies there when the environment asks for it. */
export function killIfFaultAt(state: UpdateState, env: NodeJS.ProcessEnv = process.env): void {
  if (faultKillState(env) === state) process.kill(process.pid, 'SIGKILL');
}
