import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { releaseVersionSchema } from '@gatecast/protocol';
import type { Command } from 'commander';
import { formatBytes } from '../../library/format-bytes.js';
import {
  buildRelease,
  DEFAULT_EXPIRES_IN_DAYS,
  MAX_EXPIRES_IN_DAYS,
  parseExpiresInDays,
} from '../../releases/release-build.js';
import { generateReleaseKey } from '../../releases/release-keys.js';
import type { ReleaseView } from '../../releases/releases-routes.js';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import { registerReleasePublishCommand } from './release-publish.js';

export const RELEASE_KEY_FILE = 'release-key.pem';

interface BuildOptions {
  minPrevious?: string;
  rollback?: boolean;
  notes?: string;
  expiresInDays?: string;
  key: string;
  out: string;
  json?: boolean;
}

/** `gatecast release keygen|build|publish|list|show`: signed agent releases. */
export function registerReleaseCommands(program: Command, io: CliIo): void {
  const release = program.command('release').description('signed agent releases: keys, builds, publishing');

  release
    .command('keygen')
    .description('make an Ed25519 release key pair; the private key stays in DIR (mode 0600)')
    .requiredOption('--out <dir>', `folder for ${RELEASE_KEY_FILE}`)
    .option('--json', 'print JSON')
    .action(async (options: { out: string; json?: boolean }) => {
      const dir = resolve(io.cwd, options.out);
      const file = join(dir, RELEASE_KEY_FILE);
      const { privateKeyPem, publicKey } = generateReleaseKey();
      await mkdir(dir, { recursive: true });
      await writeFile(file, privateKeyPem, { mode: 0o600, flag: 'wx' }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') throw new CliError(`${file} already exists; not overwriting a key`, 2);
          throw new CliError(`cannot write ${file} (${error.code ?? error.message})`, 2);
        },
      );
      await chmod(file, 0o600);
      if (options.json) return printJson(io, { keyFile: file, ...publicKey });
      io.stdout(
        [
          `release key written to ${file} (keep it on this machine, with a copy offline)`,
          `key id ${publicKey.keyId}, public key ${publicKey.publicKey}`,
          `screens pin it in their agent config:  "updates": { "publicKeys": [${JSON.stringify(publicKey)}] }`,
          `the fleet trusts it with:  GATECAST_RELEASE_KEYS=${publicKey.keyId}:${publicKey.publicKey}`,
          '',
        ].join('\n'),
      );
    });

  release
    .command('build')
    .description('bundle the agent into a versioned artifact and sign its manifest')
    // An argument, not --version: that flag belongs to `gatecast` itself wherever it appears.
    .argument('<version>', 'the release version, e.g. 1.4.0')
    .option('--min-previous <version>', 'screens older than this must first update to it')
    .option('--rollback', 'a signed rollback: screens may install it over a newer version')
    .option('--notes <text>', 'release notes', '')
    .option(
      '--expires-in-days <n>',
      `screens refuse the manifest this many days after the build (1-${MAX_EXPIRES_IN_DAYS}, default ${DEFAULT_EXPIRES_IN_DAYS})`,
    )
    .requiredOption('--key <file>', `the private key (${RELEASE_KEY_FILE} from gatecast release keygen)`)
    .requiredOption('--out <dir>', 'where to write the .tgz and its .manifest.json')
    .option('--json', 'print JSON')
    .action(async (version: string, options: BuildOptions) => {
      checkVersion('version', version);
      if (options.minPrevious !== undefined) checkVersion('--min-previous', options.minPrevious);
      const expiresInDays = expiresInDaysOf(options.expiresInDays);
      const keyFile = resolve(io.cwd, options.key);
      const privateKeyPem = await readFile(keyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read the key ${keyFile} (${error.code ?? error.message})`, 2);
      });
      const built = await buildRelease({
        version,
        minPreviousVersion: options.minPrevious ?? null,
        rollback: options.rollback === true,
        notes: options.notes ?? '',
        expiresInDays,
        privateKeyPem,
        outDir: resolve(io.cwd, options.out),
        progress: (line) => io.stderr(`${line}\n`),
      });
      const { manifest, signature } = built.signed;
      if (options.json) {
        return printJson(io, {
          artifact: built.artifactFile,
          manifestFile: built.manifestFile,
          ...built.signed,
        });
      }
      io.stdout(
        `built ${manifest.version}: ${built.artifactFile} (${formatBytes(manifest.size)}, sha256 ${manifest.sha256}), signed by ${signature.keyId}\n`,
      );
    });

  registerReleasePublishCommand(release, io);

  release
    .command('list')
    .description('releases on the fleet, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { releases } = await callApi<{ releases: ReleaseView[] }>(target, 'GET', '/api/v1/releases');
      if (options.json) return printJson(io, releases);
      printTable(
        io,
        ['VERSION', 'STATE', 'SIZE', 'KEY', 'ROLLBACK', 'PUBLISHED', 'BY'],
        releases.map((r) => [
          r.version,
          r.published ? 'published' : 'awaiting artifact',
          formatBytes(r.size),
          r.signature.keyId,
          r.manifest.rollback ? 'yes' : '-',
          r.publishedAt ?? '-',
          r.publishedBy ?? r.createdBy ?? '-',
        ]),
      );
    });

  release
    .command('show')
    .description('one release: its signed manifest and state')
    .argument('<version>', 'the release version')
    .option('--json', 'print JSON')
    .action(async (version: string, options: { json?: boolean }, command: Command) => {
      checkVersion('version', version);
      const target = resolveTarget(globalsOf(command), io);
      const r = await callApi<ReleaseView>(target, 'GET', `/api/v1/releases/${encodeURIComponent(version)}`);
      if (options.json) return printJson(io, r);
      const lines: Array<[string, string]> = [
        ['version', r.version],
        ['state', r.published ? 'published' : 'awaiting artifact'],
        ['artifact', `${r.manifest.artifact} (${formatBytes(r.size)})`],
        ['sha256', r.sha256],
        ['signed by', r.signature.keyId],
        ['min previous', r.manifest.minPreviousVersion ?? '-'],
        ['rollback', r.manifest.rollback ? 'yes' : 'no'],
        ['built', r.manifest.createdAt],
        ['expires', r.manifest.expiresAt],
        ['published', r.publishedAt ? `${r.publishedAt} by ${r.publishedBy ?? '-'}` : '-'],
        ['notes', r.manifest.notes || '-'],
      ];
      io.stdout(lines.map(([key, value]) => `${`${key}:`.padEnd(14)}${value}\n`).join(''));
    });
}

function expiresInDaysOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_EXPIRES_IN_DAYS;
  try {
    return parseExpiresInDays(text);
  } catch (error) {
    throw new CliError(`${(error as Error).message} (got ${JSON.stringify(text)})`, 2);
  }
}

function checkVersion(what: string, value: string): void {
  const parsed = releaseVersionSchema.safeParse(value);
  if (!parsed.success) throw new CliError(`${what}: ${parsed.error.issues[0]?.message ?? 'is invalid'}`, 2);
}
