// Builds the agent's first release with the repo's own tooling (`gatecast release keygen|build`) and
// lays it down in an install root as a screen would hold it: releases/<version>/ with its marker,
// `current`, and launcher.mjs copied to the root once (ADR 0032). Usage:
//   node first-release.mjs --root ROOTFS/opt/gatecast --work DIR [--key FILE]
// Without --key (or GATECAST_RELEASE_KEY) a throwaway key signs it: the image installs the release
// directly, and screens pin the fleet's real key from the provision file.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { installRelease } = await import(join(repo, 'device/dist/update/install-release.js'));
const { switchCurrent } = await import(join(repo, 'device/dist/update/release-links.js'));
const { releaseDir } = await import(join(repo, 'device/dist/update/release-layout.js'));

const { values } = parseArgs({
  options: { root: { type: 'string' }, work: { type: 'string' }, key: { type: 'string' } },
});
if (!values.root || !values.work)
  throw new Error('usage: first-release.mjs --root DIR --work DIR [--key FILE]');
const root = resolve(values.root);
const work = resolve(values.work);
const cli = join(repo, 'fleet/dist/cli/main.js');
const gatecast = (args) =>
  JSON.parse(
    execFileSync(process.execPath, [cli, ...args, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

const version = JSON.parse(await readFile(join(repo, 'device/package.json'), 'utf8')).version;
let keyFile = values.key ?? process.env.GATECAST_RELEASE_KEY;
if (!keyFile) keyFile = gatecast(['release', 'keygen', '--out', join(work, 'key')]).keyFile;
const built = gatecast(['release', 'build', version, '--key', keyFile, '--out', join(work, 'release')]);

await mkdir(root, { recursive: true });
await installRelease({ root, version, artifactPath: built.artifact, sha256: built.manifest.sha256 });
await switchCurrent(root, version);
await copyFile(join(releaseDir(root, version), 'launcher.mjs'), join(root, 'launcher.mjs'));
process.stdout.write(
  `${JSON.stringify({ version, sha256: built.manifest.sha256, keyId: built.signature.keyId })}\n`,
);
