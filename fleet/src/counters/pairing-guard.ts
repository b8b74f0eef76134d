/** Wrong codes one client may type before it is locked out. */
export const CLIENT_MAX_FAILURES = 5;
export const CLIENT_LOCK_MS = 15 * 60_000;
/**
 * Wrong codes from all clients together after which every unused code is replaced. A wrong code
 * names no screen, so a screen cannot be locked by itself; retiring every code instead bounds the
 * guesses any one code faces, whoever makes them (docs/adr/0022-information-counters.md).
 */
export const FLEET_WRONG_CODE_BUDGET = 20;
/** Clients remembered at most; the oldest are forgotten first, so a flood cannot fill memory. */
const MAX_CLIENTS = 10_000;

interface ClientRecord {
  /** When the current run of wrong codes began; a run older than the lock time starts over. */
  since: number;
  failures: number;
  lockedUntil: number;
}

export type GuardVerdict = { locked: false } | { locked: true; retryAfterMs: number };

/**
 * Counts wrong pairing codes per client (its IP address) and for the whole fleet. In memory:
 * a restart forgets the counts, which only gives an attacker one more short round.
 */
export class PairingGuard {
  private readonly clients = new Map<string, ClientRecord>();
  private wrongSinceRotation = 0;

  check(client: string, now: number): GuardVerdict {
    const record = this.clients.get(client);
    if (!record || record.lockedUntil <= now) return { locked: false };
    return { locked: true, retryAfterMs: record.lockedUntil - now };
  }

  /**
   * Records a wrong code. Returns how many tries the client has left (0: now locked) and whether
   * the fleet-wide budget is spent, in which case the caller replaces every code.
   */
  fail(client: string, now: number): { triesLeft: number; rotateAll: boolean } {
    const previous = this.clients.get(client);
    const fresh = !previous || (previous.lockedUntil <= now && now - previous.since > CLIENT_LOCK_MS);
    const failures = fresh ? 1 : previous.failures + 1;
    const since = fresh ? now : previous.since;
    const lockedUntil = failures >= CLIENT_MAX_FAILURES ? now + CLIENT_LOCK_MS : 0;
    this.clients.delete(client);
    this.clients.set(client, { since, failures, lockedUntil });
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    this.wrongSinceRotation += 1;
    const rotateAll = this.wrongSinceRotation >= FLEET_WRONG_CODE_BUDGET;
    if (rotateAll) this.wrongSinceRotation = 0;
    return { triesLeft: Math.max(0, CLIENT_MAX_FAILURES - failures), rotateAll };
  }

  /** A right code clears the client's count. */
  succeed(client: string): void {
    this.clients.delete(client);
  }
}
