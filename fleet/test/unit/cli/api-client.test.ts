import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/cli/api-client.js';
import type { CliIo } from '../../../src/cli/io.js';

describe('resolveTarget', () => {
  let dir: string;
  const io = (env: NodeJS.ProcessEnv): CliIo => ({ stdout: () => {}, stderr: () => {}, env, cwd: dir });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatecast-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers flags over the environment over the local token file', () => {
    writeFileSync(join(dir, 'admin-token'), 'gct_from_file\n');
    const env = {
      GATECAST_URL: 'http://fleet:9000/',
      GATECAST_TOKEN: 'gct_env',
      GATECAST_DATA_DIR: dir,
      XDG_CONFIG_HOME: dir,
    };
    expect(resolveTarget({ url: 'http://flag:1', token: 'gct_flag' }, io(env))).toEqual({
      url: 'http://flag:1',
      token: 'gct_flag',
    });
    expect(resolveTarget({}, io(env))).toEqual({ url: 'http://fleet:9000', token: 'gct_env' });
    expect(resolveTarget({}, io({ GATECAST_DATA_DIR: dir }))).toEqual({
      url: 'http://127.0.0.1:8080',
      token: 'gct_from_file',
    });
  });

  it('uses the token saved by `gatecast login` for its own fleet only', () => {
    const config = join(dir, 'config');
    mkdirSync(join(config, 'gatecast'), { recursive: true });
    const saved = { url: 'http://fleet.cat-bi.local:8080', token: 'gct_saved', username: 'lan.nguyen' };
    writeFileSync(join(config, 'gatecast', 'credentials.json'), JSON.stringify(saved));
    const env = { XDG_CONFIG_HOME: config, GATECAST_DATA_DIR: dir };
    expect(resolveTarget({}, io(env))).toEqual({ url: saved.url, token: 'gct_saved' });
    // Another fleet named explicitly does not get this fleet's token.
    writeFileSync(join(dir, 'admin-token'), 'gct_local');
    expect(resolveTarget({ url: 'http://127.0.0.1:8080' }, io(env))).toEqual({
      url: 'http://127.0.0.1:8080',
      token: 'gct_local',
    });
  });

  it('explains where it looked when there is no token', () => {
    expect(() => resolveTarget({}, io({ GATECAST_DATA_DIR: dir, XDG_CONFIG_HOME: dir }))).toThrow(
      `run where ${join(dir, 'admin-token')} is readable`,
    );
  });
});
