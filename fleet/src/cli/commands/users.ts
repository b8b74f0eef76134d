import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import type { CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

interface Grant {
  role: string;
  gateId: string | null;
}

interface UserView {
  username: string;
  displayName: string;
  grants: Grant[];
  mustChangePassword: boolean;
  lockedUntil: string | null;
}

const userPath = (name: string) => `/api/v1/users/${encodeURIComponent(name)}`;
const describeGrants = (grants: Grant[]) =>
  grants.map((grant) => `${grant.role}@${grant.gateId ?? '*'}`).join(', ') || '-';

export function registerUserCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('operator accounts and their roles (admins only)');
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);

  users
    .command('list')
    .description('list users with their roles')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { users: list } = await api<{ users: UserView[] }>(command, 'GET', '/api/v1/users');
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['USER', 'NAME', 'ROLES', 'STATE'],
        list.map((user) => [
          user.username,
          user.displayName,
          describeGrants(user.grants),
          describeState(user),
        ]),
      );
    });

  users
    .command('add <username>')
    .description('create a user; prints a one-time password that must be changed at first sign-in')
    .requiredOption('--name <display name>', 'the person\'s name, e.g. "Nguyễn Văn An"')
    .option(
      '--role <role>',
      'a first role: admin, operator, editor, approver, duty-officer, technician, viewer',
    )
    .option('--gate <gate>', 'limit the first role to this gate (default: all gates)')
    .option('--json', 'print JSON')
    .action(async (username: string, options: AddUserOptions, command: Command) => {
      const grants = options.role ? [{ role: options.role, gateId: options.gate ?? null }] : [];
      const body = { username, displayName: options.name, grants };
      const created = await api<{ user: UserView; oneTimePassword?: string }>(
        command,
        'POST',
        '/api/v1/users',
        body,
      );
      if (options.json) return printJson(io, created);
      io.stdout(
        `created ${created.user.username}; one-time password: ${created.oneTimePassword ?? '(none)'}\n`,
      );
    });

  users
    .command('remove <username>')
    .description('delete a user; their sessions and tokens stop working at once')
    .option('--json', 'print JSON')
    .action(async (username: string, options: { json?: boolean }, command: Command) => {
      await api<void>(command, 'DELETE', userPath(username));
      if (options.json) return printJson(io, { removed: username });
      io.stdout(`removed ${username}\n`);
    });

  for (const [verb, suffix, what] of [
    ['grant', '/grants', 'give a user a role, on one gate or all gates'],
    ['revoke', '/grants/revoke', 'take a role away'],
  ] as const) {
    users
      .command(`${verb} <username> <role>`)
      .description(what)
      .option('--gate <gate>', 'the gate (default: all gates)')
      .option('--json', 'print JSON')
      .action(
        async (
          username: string,
          role: string,
          options: { gate?: string; json?: boolean },
          command: Command,
        ) => {
          const body = { role, gateId: options.gate ?? null };
          const { user } = await api<{ user: UserView }>(
            command,
            'POST',
            `${userPath(username)}${suffix}`,
            body,
          );
          if (options.json) return printJson(io, user);
          io.stdout(`${user.username}: ${describeGrants(user.grants)}\n`);
        },
      );
  }

  users
    .command('reset-password <username>')
    .description('replace a forgotten password with a new one-time password')
    .option('--json', 'print JSON')
    .action(async (username: string, options: { json?: boolean }, command: Command) => {
      const answer = await api<{ oneTimePassword: string }>(
        command,
        'POST',
        `${userPath(username)}/password-reset`,
      );
      if (options.json) return printJson(io, answer);
      io.stdout(`${username}: one-time password ${answer.oneTimePassword}\n`);
    });
}

interface AddUserOptions {
  name: string;
  role?: string;
  gate?: string;
  json?: boolean;
}

function describeState(user: UserView): string {
  if (user.lockedUntil && Date.parse(user.lockedUntil) > Date.now())
    return `locked until ${user.lockedUntil}`;
  return user.mustChangePassword ? 'must change password' : 'active';
}
