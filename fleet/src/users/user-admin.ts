import { GatecastError } from '@gatecast/protocol';
import type { Grant } from './permissions.js';
import type { PasswordFunctions } from './login-service.js';
import { generateOneTimePassword, hashPassword, verifyPassword } from './password-hash.js';
import type { SessionStore } from './sessions.js';
import type { UserRecord, UsersRepo } from './users-repo.js';

export interface UserAdminDeps {
  users: Pick<
    UsersRepo,
    'get' | 'getById' | 'create' | 'remove' | 'addGrant' | 'revokeGrant' | 'setPassword' | 'fleetAdminIds'
  >;
  sessions: Pick<SessionStore, 'removeOfUser'>;
  passwords?: PasswordFunctions;
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  grants?: Grant[] | undefined;
  /** Without one, a one-time password is generated and must be changed at the first sign-in. */
  password?: string | undefined;
}

/**
 * What administrators do to accounts, with the rules that keep the fleet manageable: nobody
 * removes themselves, and the last administrator of all gates can be neither removed nor demoted.
 */
export class UserAdmin {
  private readonly deps: UserAdminDeps;
  private readonly passwords: PasswordFunctions;

  constructor(deps: UserAdminDeps) {
    this.deps = deps;
    this.passwords = deps.passwords ?? { hash: hashPassword, verify: verifyPassword };
  }

  async create(input: CreateUserInput): Promise<{ user: UserRecord; oneTimePassword: string | null }> {
    const oneTimePassword = input.password === undefined ? generateOneTimePassword() : null;
    const passwordHash = await this.passwords.hash(input.password ?? (oneTimePassword as string));
    const user = this.deps.users.create({
      username: input.username,
      displayName: input.displayName,
      passwordHash,
      mustChangePassword: oneTimePassword !== null,
      grants: input.grants ?? [],
    });
    return { user, oneTimePassword };
  }

  /** NOT_FOUND for an unknown user. */
  mustGet(username: string): UserRecord {
    const user = this.deps.users.get(username);
    if (!user) throw new GatecastError('NOT_FOUND', `no user ${username}`);
    return user;
  }

  /** Its sessions and tokens end with it. */
  remove(username: string, actingUserId: string): UserRecord {
    const user = this.mustGet(username);
    if (user.id === actingUserId) throw new GatecastError('CONFLICT', 'you cannot remove your own account');
    this.keepAnAdmin(user, null);
    this.deps.users.remove(user.id);
    return user;
  }

  grant(username: string, grant: Grant): { before: UserRecord; after: UserRecord } {
    const before = this.mustGet(username);
    this.deps.users.addGrant(before.id, grant);
    return { before, after: this.deps.users.getById(before.id) as UserRecord };
  }

  revoke(username: string, grant: Grant): { before: UserRecord; after: UserRecord } {
    const before = this.mustGet(username);
    this.keepAnAdmin(before, grant);
    if (!this.deps.users.revokeGrant(before.id, grant)) {
      const where = grant.gateId === null ? 'all gates' : `gate ${grant.gateId}`;
      throw new GatecastError('NOT_FOUND', `${username} does not hold ${grant.role} on ${where}`);
    }
    return { before, after: this.deps.users.getById(before.id) as UserRecord };
  }

  /** A new one-time password; the account is unlocked and signed out everywhere. */
  async resetPassword(username: string): Promise<{ user: UserRecord; oneTimePassword: string }> {
    const user = this.mustGet(username);
    const oneTimePassword = generateOneTimePassword();
    this.deps.users.setPassword(user.id, await this.passwords.hash(oneTimePassword), true);
    this.deps.sessions.removeOfUser(user.id);
    return { user, oneTimePassword };
  }

  /** CONFLICT when the change (removal, or losing `grant`) would leave no admin of all gates. */
  private keepAnAdmin(user: UserRecord, grant: Grant | null): void {
    const losesFleetAdmin = grant === null || (grant.role === 'admin' && grant.gateId === null);
    if (!losesFleetAdmin) return;
    const admins = this.deps.users.fleetAdminIds();
    if (admins.length === 1 && admins[0] === user.id) {
      throw new GatecastError('CONFLICT', `${user.username} is the last administrator of all gates`);
    }
  }
}
