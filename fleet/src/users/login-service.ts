import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import { delayFor, lockUntil, lockedFor, ThrottleCounters, type ThrottleState } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { Session, SessionStore } from './sessions.js';
import { USERNAME_PATTERN, type UserRecord, type UsersRepo } from './users-repo.js';

export interface PasswordFunctions {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface LoginServiceDeps {
  users: Pick<
    UsersRepo,
    'get' | 'getById' | 'passwordHash' | 'countLoginFailure' | 'resetLoginFailures' | 'setPassword'
  >;
  sessions: Pick<SessionStore, 'create' | 'removeOfUser'>;
  now?: () => Date;
  /** How an answer is held back; injectable so tests see the delay without waiting for it. */
  sleep?: (ms: number) => Promise<void>;
  passwords?: PasswordFunctions;
}

export type LoginResult =
  | { outcome: 'ok'; user: UserRecord; sessionId: string; session: Session; delayMs: number }
  | { outcome: 'wrong'; user: UserRecord | undefined; delayMs: number }
  | { outcome: 'locked'; user: UserRecord | undefined; retryAfterSec: number };

export type PasswordChangeResult =
  | { outcome: 'ok'; delayMs: number }
  | { outcome: 'wrong'; delayMs: number }
  | { outcome: 'locked'; retryAfterSec: number };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sign-in and password change, throttled per username and per client address: slowed after a few
 * failures, locked after many (see login-throttle.ts). Unknown usernames cost the same scrypt work
 * as known ones, so the answer's timing does not tell which accounts exist.
 */
export class LoginService {
  private readonly deps: LoginServiceDeps;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly passwords: PasswordFunctions;
  private readonly counters = new ThrottleCounters();
  private dummyHash: Promise<string> | null = null;

  constructor(deps: LoginServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? realSleep;
    this.passwords = deps.passwords ?? { hash: hashPassword, verify: verifyPassword };
  }

  async login(givenUsername: string, password: string, ip: string): Promise<LoginResult> {
    const username = givenUsername.trim().toLowerCase();
    const user = USERNAME_PATTERN.test(username) ? await this.deps.users.get(username) : undefined;
    const userKey = `user:${username}`;
    const ipKey = `ip:${ip}`;
    const retryAfterSec = this.lockedFor(user, userKey, ipKey);
    if (retryAfterSec > 0) return { outcome: 'locked', user, retryAfterSec };

    const delayMs = await this.holdBack(user, userKey, ipKey);
    const stored = user ? await this.deps.users.passwordHash(user.id) : undefined;
    const matches = await this.passwords.verify(password, stored ?? (await this.dummy()));
    if (!user || stored === undefined || !matches) return { outcome: 'wrong', user, delayMs };

    await this.deps.users.resetLoginFailures(user.id);
    this.counters.reset(ipKey);
    const { id, session } = await this.deps.sessions.create(user.id, this.now());
    const fresh = (await this.deps.users.getById(user.id)) ?? user;
    return { outcome: 'ok', user: fresh, sessionId: id, session, delayMs };
  }

  /**
   * Checks the current password under the same throttle as sign-in (a stolen session must not
   * become a way to guess it), then stores the new one and ends the user's other sessions.
   */
  async changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    keepSessionIdHash?: string,
  ): Promise<PasswordChangeResult> {
    const user = await this.deps.users.getById(userId);
    if (!user) throw new GatecastError('UNAUTHORIZED', 'the account no longer exists');
    if (newPassword === currentPassword) {
      throw new GatecastError('BAD_REQUEST', 'body.newPassword: must differ from the current password');
    }
    const retryAfterSec = lockedFor(stateOf(user), this.now());
    if (retryAfterSec > 0) return { outcome: 'locked', retryAfterSec };
    const delayMs = await this.holdBack(user, `user:${user.username}`, null);
    const stored = (await this.deps.users.passwordHash(user.id)) ?? '';
    if (!(await this.passwords.verify(currentPassword, stored))) return { outcome: 'wrong', delayMs };
    const hash = await this.passwords.hash(newPassword);
    await this.deps.users.setPassword(user.id, hash, false);
    await this.deps.sessions.removeOfUser(user.id, keepSessionIdHash);
    return { outcome: 'ok', delayMs };
  }

  private lockedFor(user: UserRecord | undefined, userKey: string, ipKey: string): number {
    const now = this.now();
    const userState = user ? stateOf(user) : this.counters.state(userKey);
    return Math.max(lockedFor(userState, now), lockedFor(this.counters.state(ipKey), now));
  }

  /**
   * Counts the attempt as a failure before checking it, so parallel guesses each see their own
   * count (a success clears it), then waits as long as the higher of the two counts asks.
   */
  private async holdBack(
    user: UserRecord | undefined,
    userKey: string,
    ipKey: string | null,
  ): Promise<number> {
    const now = this.now();
    const userFailures = user
      ? await this.deps.users.countLoginFailure(user.id, (failures) => lockUntil(failures, now))
      : this.counters.countFailure(userKey, now);
    const ipFailures = ipKey === null ? 0 : this.counters.countFailure(ipKey, now);
    const delayMs = Math.max(delayFor(userFailures - 1), delayFor(ipFailures - 1));
    if (delayMs > 0) await this.sleep(delayMs);
    return delayMs;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.passwords.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

function stateOf(user: UserRecord): ThrottleState {
  return { failures: user.failedLogins, lockedUntil: user.lockedUntil };
}
