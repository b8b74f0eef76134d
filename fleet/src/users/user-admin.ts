import { GatecastError } from '@gatecast/protocol';
import type { Grant } from './permissions.js';
import type { PasswordFunctions } from './login-service.js';
import { generateOneTimePassword, hashPassword, verifyPassword } from './password-hash.js';
import type { SessionStore } from './sessions.js';
import type { UserRecord, UsersRepo } from './users-repo.js';

export interface UserAdminDeps {
  users: Pick<
    UsersRepo,
    | 'get'
    | 'getById'
    | 'create'
    | 'remove'
    | 'addGrant'
    | 'revokeGrant'
    | 'setPassword'
    | 'fleetAdminIds'
    | 'transaction'
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
    const user = await this.deps.users.create({
      username: input.username,
      displayName: input.displayName,
      passwordHash,
      mustChangePassword: oneTimePassword !== null,
      grants: input.grants ?? [],
    });
    return { user, oneTimePassword };
  }

  /** NOT_FOUND for an unknown user. */
  async mustGet(username: string): Promise<UserRecord> {
    const user = await this.deps.users.get(username);
    if (!user) throw new GatecastError('NOT_FOUND', `no user ${username}`);
    return user;
  }

  /** Its sessions and tokens end with it. */
  async remove(username: string, actingUserId: string): Promise<UserRecord> {
    const user = await this.mustGet(username);
    if (user.id === actingUserId) throw new GatecastError('CONFLICT', 'you cannot remove your own account');
    // The check and the change in one transaction: two admins removing each other cannot both succeed.
    const refusal = await this.deps.users.transaction(async (users) => {
      const last = await lastAdminRefusal(users, user, null);
      if (!last) await users.remove(user.id);
      return last;
    });
    if (refusal) throw refusal;
    return user;
  }

  async grant(username: string, grant: Grant): Promise<{ before: UserRecord; after: UserRecord }> {
    const before = await this.mustGet(username);
    await this.deps.users.addGrant(before.id, grant);
    return { before, after: (await this.deps.users.getById(before.id)) as UserRecord };
  }

  async revoke(username: string, grant: Grant): Promise<{ before: UserRecord; after: UserRecord }> {
    const before = await this.mustGet(username);
    const refusal = await this.deps.users.transaction(async (users) => {
      const last = await lastAdminRefusal(users, before, grant);
      if (last || (await users.revokeGrant(before.id, grant))) return last;
      const where = grant.gateId === null ? 'all gates' : `gate ${grant.gateId}`;
      return new GatecastError('NOT_FOUND', `${username} does not hold ${grant.role} on ${where}`);
    });
    if (refusal) throw refusal;
    return { before, after: (await this.deps.users.getById(before.id)) as UserRecord };
  }

  /** A new one-time password; the account is unlocked and signed out everywhere. */
  async resetPassword(username: string): Promise<{ user: UserRecord; oneTimePassword: string }> {
    const user = await this.mustGet(username);
    const oneTimePassword = generateOneTimePassword();
    await this.deps.users.setPassword(user.id, await this.passwords.hash(oneTimePassword), true);
    await this.deps.sessions.removeOfUser(user.id);
    return { user, oneTimePassword };
  }
}

/**
 * CONFLICT when the change (removal, or losing `grant`) would leave no admin of all gates. Returned,
 * not thrown, so the transaction commits: a rollback on the SQLite connection shared with the repos
 * not yet moved would also undo what they wrote meanwhile.
 */
async function lastAdminRefusal(
  users: UsersRepo,
  user: UserRecord,
  grant: Grant | null,
): Promise<GatecastError | null> {
  const losesFleetAdmin = grant === null || (grant.role === 'admin' && grant.gateId === null);
  if (!losesFleetAdmin) return null;
  const admins = await users.fleetAdminIds(true);
  return admins.length === 1 && admins[0] === user.id
    ? new GatecastError('CONFLICT', `${user.username} is the last administrator of all gates`)
    : null;
}
