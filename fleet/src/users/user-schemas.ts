import { slugSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { TOKEN_NAME_PATTERN, TOKEN_NAME_RULE } from '../auth/api-tokens.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-hash.js';
import { PERMISSIONS, ROLES, permissionsOf, type Principal } from './permissions.js';
import { USERNAME_PATTERN, type UserRecord } from './users-repo.js';

/** The HTTP shapes of users, sessions and tokens. Names are returned verbatim: the dashboard escapes. */
export const usernameSchema = z.string().regex(USERNAME_PATTERN, 'must be 3-64 of a-z, 0-9, ".", "_" or "-"');

const displayNameSchema = z.string().trim().min(1, 'must not be empty').max(120);

export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);

export const grantSchema = z.object({ role: z.enum(ROLES), gateId: slugSchema.nullable() });
/** gateId must be given, null for all gates: leaving it out never widens a grant by accident. */
export const grantBodySchema = z.strictObject({ role: z.enum(ROLES), gateId: slugSchema.nullable() });

const scopeSchema = z.union([z.literal('all'), z.array(z.string())]);

export const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  grants: z.array(grantSchema),
  mustChangePassword: z.boolean(),
  permissions: z.record(z.enum(PERMISSIONS), scopeSchema),
});

export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  grants: z.array(grantSchema),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  lockedUntil: z.string().nullable(),
});

export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const sessionAnswerSchema = z.object({ user: meSchema, csrfToken: z.string() });

export const passwordChangeBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: newPasswordSchema,
});

export const createUserBodySchema = z.strictObject({
  username: usernameSchema,
  displayName: displayNameSchema,
  grants: z.array(grantBodySchema).max(64).optional(),
  password: newPasswordSchema.optional(),
});

export const usernameParamsSchema = z.object({ username: usernameSchema });

export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const createTokenBodySchema = z.strictObject({
  name: z.string().regex(TOKEN_NAME_PATTERN, TOKEN_NAME_RULE),
});

export const tokenParamsSchema = z.object({
  id: z.string().regex(/^tok_[0-9a-f]{16}$/, 'must be a token id such as tok_0123456789abcdef'),
});

export type Me = z.infer<typeof meSchema>;
export type UserView = z.infer<typeof userViewSchema>;

export function toMe(principal: Principal): Me {
  return {
    id: principal.userId,
    username: principal.username,
    displayName: principal.displayName,
    grants: principal.grants,
    mustChangePassword: principal.mustChangePassword,
    permissions: permissionsOf(principal),
  };
}

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    grants: user.grants,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt,
    lockedUntil: user.lockedUntil,
  };
}
