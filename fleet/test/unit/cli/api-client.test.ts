import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    const env = { GATECAST_URL: 'http://fleet:9000/', GATECAST_TOKEN: 'gct_env', GATECAST_DATA_DIR: dir };
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

  it('explains where it looked when there is no token', () => {
    expect(() => resolveTarget({}, io({ GATECAST_DATA_DIR: dir }))).toThrow(
      `run where ${join(dir, 'admin-token')} is readable`,
    );
  });
});
