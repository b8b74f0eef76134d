import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatecastError } from '@gatecast/protocol';
import { loadAgentConfig } from '../../src/config/load-config.js';

const secret = 'sup3r-s3cret-value-for-tests-0001';
const valid = {
  deviceId: 'cat-bi-arr-01',
  secret,
  mqtt: { url: 'mqtt://fleet.local:1883' },
  dataDir: '/var/lib/gatecast',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatecast-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(name: string, text: string | null): Promise<string> {
  const file = join(dir, name);
  if (text !== null) await writeFile(file, text);
  const error = await loadAgentConfig(file).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatecastError);
  const message = (error as GatecastError).message;
  expect((error as GatecastError).code).toBe('CONFIG_INVALID');
  expect(message.startsWith(`${file}: `)).toBe(true);
  expect(message).not.toContain('\n');
  expect(message).not.toContain(secret);
  return message.slice(file.length + 2);
}

describe('loadAgentConfig', () => {
  it('accepts a valid file and fills defaults', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify(valid));
    const config = await loadAgentConfig(file);
    expect(config.mqtt).toMatchObject({ keepaliveSec: 30, reconnectMinMs: 1_000, reconnectMaxMs: 60_000 });
    expect(config.healthIntervalSec).toBe(60);
  });

  it('names a missing file', async () => {
    expect(await failure('absent.json', null)).toBe('cannot read: no such file');
  });

  it('names a missing field', async () => {
    const { deviceId: _drop, ...rest } = valid;
    expect(await failure('no-id.json', JSON.stringify(rest))).toMatch(/^deviceId: /);
  });

  it('names a bad url with the expected shape', async () => {
    const message = await failure(
      'bad-url.json',
      JSON.stringify({ ...valid, mqtt: { url: 'http://fleet' } }),
    );
    expect(message).toBe('mqtt.url: must look like mqtt://host:1883 or mqtts://host:8883');
  });

  it('names every bad field on one line', async () => {
    const bad = { ...valid, healthIntervalSec: 1, mqtt: { url: 'mqtt://x:1883', keepaliveSec: 1 } };
    const message = await failure('two.json', JSON.stringify(bad));
    expect(message).toContain('mqtt.keepaliveSec');
    expect(message).toContain('healthIntervalSec');
  });

  it('gives line and column of a JSON syntax error without quoting the file', async () => {
    const text = `{\n  "deviceId": "cat-bi-arr-01",\n  "secret": "${secret}" x\n}`;
    const message = await failure('syntax.json', text);
    expect(message).toMatch(/^invalid JSON at line 3 column \d+: /);
  });

  it('locates an error that V8 reports without a position', async () => {
    const message = await failure('token.json', `{\n  "secret": "${secret}",\n  "a": }`);
    expect(message).toMatch(/^invalid JSON at line 3 column 8: Unexpected token/);
  });

  it('reports an empty file', async () => {
    expect(await failure('empty.json', '')).toMatch(/^invalid JSON at line 1 column 1/);
  });

  it('names an unreadable CA file', async () => {
    const message = await failure(
      'ca.json',
      JSON.stringify({ ...valid, mqtt: { url: 'mqtts://fleet:8883', caFile: join(dir, 'no-ca.pem') } }),
    );
    expect(message).toMatch(/^mqtt\.caFile: cannot read .*no-ca\.pem: no such file$/);
  });
});
