import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReleasePublicKey, SignedManifest } from '@gatecast/protocol';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { sha256 } from './releases-app.js';

const run = promisify(execFile);

/** The operator's round trip with the real CLI: keygen, build, publish, list and show on a real fleet. */
describe('gatecast release', () => {
  let work: string;
  let fleet: RealFleet;
  let key: ReleasePublicKey & { keyFile: string };

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = fleet
      ? { GATECAST_URL: `http://127.0.0.1:${fleet.running.httpPort}`, GATECAST_TOKEN: fleet.token }
      : {};
    const code = await runCli(['release', ...argv], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: { ...env, HOME: '/nonexistent' },
      cwd: work,
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatecast-release-cli-'));
    const made = await cli('keygen', '--out', 'keys', '--json');
    expect(made.code, made.err).toBe(0);
    key = JSON.parse(made.out) as typeof key;
    fleet = await startRealFleet({ GATECAST_RELEASE_KEYS: `${key.keyId}:${key.publicKey}` });
  });

  afterAll(async () => {
    await fleet?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('keygen keeps the private key on this machine, 0600, and never overwrites it', async () => {
    expect(key.keyFile).toBe(path.join(work, 'keys', 'release-key.pem'));
    expect(fs.statSync(key.keyFile).mode & 0o777).toBe(0o600);
    // A PEM private key that node:crypto reads as Ed25519 (generated in this test, never committed).
    expect(createPrivateKey(fs.readFileSync(key.keyFile, 'utf8')).asymmetricKeyType).toBe('ed25519');
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(sha256(Buffer.from(key.publicKey, 'base64')).slice(0, 16)).toBe(key.keyId);
    const again = await cli('keygen', '--out', 'keys');
    expect(again.code).toBe(2);
    expect(again.err).toBe(`gatecast: ${key.keyFile} already exists; not overwriting a key\n`);
    const text = await cli('keygen', '--out', 'other-keys');
    expect(text.out).toContain('"updates": { "publicKeys": [{"keyId":');
    expect(text.out).toContain('GATECAST_RELEASE_KEYS=');
  });

  it('builds an artifact whose agent runs and prints its version, publishes it, and lists and shows it', async () => {
    const built = await cli(
      'build',
      '1.5.0',
      '--min-previous',
      '1.4.0',
      '--notes',
      'Sửa lỗi video',
      '--key',
      'keys/release-key.pem',
      '--out',
      'out',
      '--json',
    );
    expect(built.code, built.err).toBe(0);
    expect(built.err).toContain('bundling the agent 1.5.0');
    const summary = JSON.parse(built.out) as SignedManifest & { artifact: string; manifestFile: string };
    expect(summary.artifact).toBe(path.join(work, 'out', 'gatecast-agent-1.5.0.tgz'));
    const signed = JSON.parse(fs.readFileSync(`${summary.artifact}.manifest.json`, 'utf8')) as SignedManifest;
    expect(signed.signature.keyId).toBe(key.keyId);
    expect(signed.manifest).toMatchObject({ version: '1.5.0', minPreviousVersion: '1.4.0', rollback: false });
    // No --expires-in-days: screens accept it for a year from the build.
    const validMs = Date.parse(signed.manifest.expiresAt) - Date.parse(signed.manifest.createdAt);
    expect(validMs).toBe(365 * 86_400_000);
    const artifactBytes = fs.readFileSync(summary.artifact);
    expect(signed.manifest.size).toBe(artifactBytes.length);
    expect(signed.manifest.sha256).toBe(sha256(artifactBytes));

    const unpacked = path.join(work, 'releases', '1.5.0');
    fs.mkdirSync(unpacked, { recursive: true });
    await extract({ file: summary.artifact, cwd: unpacked });
    expect(fs.readdirSync(unpacked).sort()).toEqual([
      'agent.mjs',
      'kiosk-ui',
      'launcher.mjs',
      'player-ui',
      'release.json',
    ]);
    expect(fs.existsSync(path.join(unpacked, 'player-ui', 'index.html'))).toBe(true);
    const version = await run(process.execPath, ['agent.mjs', '--version'], { cwd: unpacked });
    expect(version.stdout.trim()).toBe('1.5.0');
    // `work` is laid out as an install root: the launcher, copied up once, starts what `current` names.
    fs.copyFileSync(path.join(unpacked, 'launcher.mjs'), path.join(work, 'launcher.mjs'));
    fs.symlinkSync(path.join('releases', '1.5.0'), path.join(work, 'current'));
    const launched = await run(process.execPath, ['launcher.mjs', '--version'], { cwd: work });
    expect(launched.stdout.trim()).toBe('1.5.0');

    const published = await cli('publish', 'out/gatecast-agent-1.5.0.tgz');
    expect(published.code, published.err).toBe(0);
    expect(published.out).toBe(
      `published 1.5.0 (sha256 ${signed.manifest.sha256}, signed by ${key.keyId})\n`,
    );
    expect(published.err).toContain('uploading gatecast-agent-1.5.0.tgz');
    expect(published.err).toContain('100%');

    const listed = await cli('list');
    const [header, row] = listed.out.trim().split('\n');
    expect(header).toMatch(/^VERSION\s+STATE\s+SIZE\s+KEY\s+ROLLBACK\s+PUBLISHED\s+BY$/);
    expect(row).toMatch(new RegExp(`^1\\.5\\.0\\s+published\\s+.+MB\\s+${key.keyId}\\s+-\\s+\\S+\\s+admin$`));
    const shown = await cli('show', '1.5.0', '--json');
    expect(JSON.parse(shown.out)).toMatchObject({
      version: '1.5.0',
      published: true,
      sha256: signed.manifest.sha256,
    });
    const text = await cli('show', '1.5.0');
    expect(text.out).toContain('min previous: 1.4.0');
    expect(text.out).toContain('notes:        Sửa lỗi video');
    expect(text.out).toContain(`expires:      ${signed.manifest.expiresAt}`);

    const served = await fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/releases/1.5.0/artifact`, {
      headers: { authorization: `Bearer ${fleet.token}` },
    });
    expect(sha256(Buffer.from(await served.arrayBuffer()))).toBe(signed.manifest.sha256);
  });

  it('fails in one line: a tampered artifact, a build signed by another key, a version built twice', async () => {
    const made = await cli('keygen', '--out', 'stranger', '--json');
    expect(made.code).toBe(0);
    const built = await cli('build', '1.6.0', '--key', 'stranger/release-key.pem', '--out', 'out');
    expect(built.code, built.err).toBe(0);
    const unknown = await cli('publish', 'out/gatecast-agent-1.6.0.tgz');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(
      /^gatecast: UPDATE_UNKNOWN_KEY: release 1\.6\.0 is signed by key [0-9a-f]{16}, which/,
    );

    const twice = await cli('build', '1.6.0', '--key', 'keys/release-key.pem', '--out', 'out');
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('CONFLICT');

    const ours = await cli('build', '1.7.0', '--key', 'keys/release-key.pem', '--out', 'out');
    expect(ours.code, ours.err).toBe(0);
    const file = path.join(work, 'out', 'gatecast-agent-1.7.0.tgz');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    fs.writeFileSync(file, bytes);
    const tampered = await cli('publish', 'out/gatecast-agent-1.7.0.tgz');
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(
      /gatecast: UPDATE_TAMPERED: the artifact of 1\.7\.0 has sha256 [0-9a-f]{64}; its manifest signs/,
    );
    const still = await cli('show', '1.7.0', '--json');
    expect(JSON.parse(still.out)).toMatchObject({ published: false });
    const missing = await cli('publish', 'out/nothing.tgz');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read the manifest');
  });

  it.each(['0', '3651', '1.5', 'soon'])(
    'refuses --expires-in-days %s before building anything',
    async (days) => {
      const refused = await cli(
        'build',
        '1.8.0',
        '--expires-in-days',
        days,
        '--key',
        'keys/release-key.pem',
        '--out',
        'out',
      );
      expect(refused.code).toBe(2);
      expect(refused.err).toBe(
        `gatecast: --expires-in-days must be a whole number of days from 1 to 3650 (got "${days}")\n`,
      );
      expect(fs.existsSync(path.join(work, 'out', 'gatecast-agent-1.8.0.tgz'))).toBe(false);
    },
  );
});
