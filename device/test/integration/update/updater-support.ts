import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredDocument, SignedManifest } from '@gatecast/protocol';
import { releaseDir, RELEASE_MARKER } from '../../../src/update/release-layout.js';
import { manifestFor, signManifest, type TestSigningKey } from '../../unit/update/release-signing.js';
import { packTgz, sha256Of } from './helpers/release-files.js';

/** A release artifact as the build makes it: agent.mjs and release.json in a .tgz. Never run here. */
export interface BuiltTestRelease {
  version: string;
  artifact: Buffer;
  signed: SignedManifest;
}

export async function buildTestRelease(
  workDir: string,
  version: string,
  key: TestSigningKey,
  overrides: Parameters<typeof manifestFor>[0] = {},
): Promise<BuiltTestRelease> {
  const staging = join(workDir, `staging-${version}`);
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, 'agent.mjs'), `console.log('gatecast agent ${version}');\n`);
  await writeFile(join(staging, 'release.json'), `${JSON.stringify({ version })}\n`);
  const artifact = await packTgz(join(workDir, `gatecast-agent-${version}.tgz`), staging, [
    'agent.mjs',
    'release.json',
  ]);
  const manifest = manifestFor({
    version,
    artifact: `gatecast-agent-${version}.tgz`,
    sha256: sha256Of(artifact),
    size: artifact.length,
    ...overrides,
  });
  return { version, artifact, signed: signManifest(manifest, key) };
}

/** An install root as the SD image lays it down: one release (no marker), `current` pointing at it. */
export async function layDownRoot(root: string, version: string, marker = false): Promise<void> {
  const dir = releaseDir(root, version);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'agent.mjs'), `console.log('gatecast agent ${version}');\n`);
  await writeFile(join(dir, 'release.json'), `${JSON.stringify({ version })}\n`);
  if (marker) await writeFile(join(dir, RELEASE_MARKER), JSON.stringify({ version, sha256: 'b'.repeat(64) }));
  await symlink(join('releases', version), join(root, 'current'));
}

export async function releaseJsonVersion(root: string, link: 'current' | 'previous'): Promise<string> {
  const text = await readFile(join(root, link, 'release.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The document with the release named in it (or `agent` removed with null). */
export function withAgent(
  document: DesiredDocument,
  release: BuiltTestRelease | null,
  artifactUrl: string,
): DesiredDocument {
  const { agent: _dropped, ...rest } = document;
  return release ? { ...rest, agent: { release: release.signed, artifactUrl } } : rest;
}

/** A restart as systemd would get it: recorded, never acted on. */
export class RecordingRestarter {
  readonly reasons: string[] = [];
  requestRestart(reason: string): void {
    this.reasons.push(reason);
  }
}

/** A clock the test moves forward, for the health gate's timeout. */
export class MovableClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Polls an async check until it passes; for files and records that no message announces. */
export async function eventuallyAsync(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
