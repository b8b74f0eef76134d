import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  RunningProcess,
  gatecast,
  startFleet,
  tempDir,
  type CliResult,
  type FleetProcess,
} from '../support/processes.js';

/** Runs the CLI with text on standard input, as `echo pw | gatecast login --password-stdin` would. */
async function gatecastWithInput(
  args: string[],
  env: Record<string, string>,
  input: string,
): Promise<CliResult> {
  const child = spawn(process.execPath, [join(ROOT, 'fleet/dist/cli/main.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const proc = new RunningProcess(child);
  child.stdin.end(input);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

// An admin sets up a gate operator from the command line; the operator signs in and works within scope.
describe('operators through the CLI', () => {
  const data = tempDir('e2e-operators');
  const home = tempDir('e2e-operators-home');
  let fleet: FleetProcess;
  let admin: Record<string, string>;
  const json = (result: CliResult) => {
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    admin = {
      GATECAST_URL: fleet.url,
      GATECAST_DATA_DIR: data.path,
      XDG_CONFIG_HOME: join(home.path, 'admin'),
    };
    for (const [id, name] of [
      ['cat-bi-airport', 'Cat Bi International Airport'],
      ['hai-phong-port', 'Port of Hai Phong'],
    ]) {
      expect((await gatecast(['gates', 'add', id!, '--name', name!], admin)).code).toBe(0);
    }
  });

  afterAll(async () => {
    await fleet?.stop();
    data.remove();
    home.remove();
  });

  it('prints the first admin one-time password once at first start', () => {
    expect(fleet.stderr).toMatch(/first admin user "admin", one-time password: \S+/);
  });

  it('lets an admin create a gate operator, who logs in and sees only their gate', async () => {
    const created = json(
      await gatecast(
        [
          'users',
          'add',
          'lan.nguyen',
          '--name',
          'Nguyễn Thị Lan',
          '--role',
          'operator',
          '--gate',
          'cat-bi-airport',
          '--json',
        ],
        admin,
      ),
    );
    expect(created.user.grants).toEqual([{ role: 'operator', gateId: 'cat-bi-airport' }]);
    const oneTime = created.oneTimePassword as string;
    const operator = {
      GATECAST_URL: fleet.url,
      XDG_CONFIG_HOME: join(home.path, 'lan'),
      GATECAST_DATA_DIR: join(home.path, 'none'),
    };

    const refused = await gatecastWithInput(
      ['login', '--user', 'lan.nguyen', '--password-stdin'],
      operator,
      `${oneTime}\n`,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^gatecast: this password is a one-time password/);

    // The operator chooses a password (the dashboard does this; here through the same API).
    const newPassword = 'Cat-Bi-arrivals-2026';
    const login = await fetch(`${fleet.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lan.nguyen', password: oneTime }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const changed = await fetch(`${fleet.url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ currentPassword: oneTime, newPassword }),
    });
    expect(changed.status).toBe(204);

    const signedIn = await gatecastWithInput(
      ['login', '--user', 'lan.nguyen', '--password-stdin', '--json'],
      operator,
      `${newPassword}\n`,
    );
    const { credentialsFile } = json(signedIn);
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(json(await gatecast(['whoami', '--json'], operator)).username).toBe('lan.nguyen');
    const gates = json(await gatecast(['gates', 'list', '--json'], operator)) as Array<{ id: string }>;
    expect(gates.map((gate) => gate.id)).toEqual(['cat-bi-airport']);

    const outside = await gatecast(
      ['gates', 'add-zone', 'hai-phong-port', 'customs', '--name', 'Customs'],
      operator,
    );
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/^gatecast: FORBIDDEN: /);
  });

  it('manages grants, tokens and removal, and records all of it in the audit log', async () => {
    json(await gatecast(['users', 'add', 'minh.tran', '--name', 'Trần Minh', '--json'], admin));
    const granted = json(await gatecast(['users', 'grant', 'minh.tran', 'viewer', '--json'], admin));
    expect(granted.grants).toEqual([{ role: 'viewer', gateId: null }]);
    const revoked = json(await gatecast(['users', 'revoke', 'minh.tran', 'viewer', '--json'], admin));
    expect(revoked.grants).toEqual([]);
    const listed = json(await gatecast(['users', 'list', '--json'], admin)) as Array<{ username: string }>;
    expect(listed.map((user) => user.username)).toEqual(
      expect.arrayContaining(['admin', 'lan.nguyen', 'minh.tran']),
    );

    const token = json(await gatecast(['tokens', 'create', 'reports-script', '--json'], admin));
    const viaToken = { GATECAST_URL: fleet.url, GATECAST_TOKEN: token.secret };
    expect(json(await gatecast(['whoami', '--json'], viaToken)).username).toBe('admin');
    expect((await gatecast(['tokens', 'revoke', token.token.id], admin)).code).toBe(0);
    const afterRevoke = await gatecast(['whoami'], viaToken);
    expect(afterRevoke.code).toBe(3);
    expect(afterRevoke.stderr).toMatch(/^gatecast: UNAUTHORIZED: /);

    expect((await gatecast(['users', 'remove', 'minh.tran'], admin)).code).toBe(0);
    const entries = json(await gatecast(['audit', '--user', 'admin', '--json'], admin)) as Array<{
      action: string;
      outcome: string;
    }>;
    const actions = entries.map((entry) => entry.action);
    for (const action of [
      'user.create',
      'user.grant',
      'user.revoke',
      'token.create',
      'token.revoke',
      'user.remove',
    ]) {
      expect(actions, action).toContain(action);
    }
    const denied = json(await gatecast(['audit', '--outcome', 'denied', '--json'], admin)) as Array<{
      actor: { name: string };
    }>;
    expect(denied.some((entry) => entry.actor?.name === 'lan.nguyen')).toBe(true);
    const table = await gatecast(['audit', '--limit', '5'], admin);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+USER\s+ACTION\s+OBJECT\s+GATE\s+OUTCOME$/);
  });
});
