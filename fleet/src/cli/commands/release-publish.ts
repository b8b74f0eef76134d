import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { signedManifestSchema, type SignedManifest } from '@gatecast/protocol';
import type { Command } from 'commander';
import { formatBytes } from '../../library/format-bytes.js';
import { progressLine } from './media.js';
import { manifestFileOf } from '../../releases/release-build.js';
import type { ReleaseView } from '../../releases/releases-routes.js';
import { callApi, resolveTarget, type ApiTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { globalsOf } from './options.js';

/** `gatecast release publish FILE.tgz`: the signed manifest, then the artifact, streamed with progress. */
export function registerReleasePublishCommand(release: Command, io: CliIo): void {
  release
    .command('publish')
    .description('upload a built release (FILE.tgz and FILE.tgz.manifest.json) to the fleet')
    .argument('<file>', 'the artifact, e.g. gatecast-agent-1.4.0.tgz')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const artifact = resolve(io.cwd, file);
      const signed = await readSignedManifest(manifestFileOf(artifact));
      await checkLocalSize(artifact, signed);
      const { version } = signed.manifest;
      const existing = await findRelease(target, version);
      if (existing?.published) throw new CliError(`CONFLICT: release ${version} is already published`);
      if (existing && existing.sha256 !== signed.manifest.sha256) {
        throw new CliError(
          `CONFLICT: the fleet holds another build of ${version} (sha256 ${existing.sha256})`,
        );
      }
      // A manifest accepted by an earlier, interrupted publish is reused: only its artifact is missing.
      if (!existing) await callApi<ReleaseView>(target, 'POST', '/api/v1/releases', signed);
      io.stderr(`uploading ${signed.manifest.artifact} (${formatBytes(signed.manifest.size)})…\n`);
      const view = await uploadArtifact(target, artifact, signed, io);
      if (options.json) return printJson(io, view);
      io.stdout(`published ${view.version} (sha256 ${view.sha256}, signed by ${view.signature.keyId})\n`);
    });
}

async function readSignedManifest(file: string): Promise<SignedManifest> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      `cannot read the manifest ${file} (${error.code ?? error.message}); build with gatecast release build`,
      2,
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON`, 2);
  }
  // The fleet judges the signature itself (and names what is wrong); here only the shape is checked.
  const parsed = signedManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'is invalid'}`, 2);
  }
  return parsed.data;
}

async function checkLocalSize(artifact: string, signed: SignedManifest): Promise<void> {
  const info = await stat(artifact).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${artifact} (${error.code ?? error.message})`, 2);
  });
  if (info.size !== signed.manifest.size) {
    throw new CliError(
      `UPDATE_TAMPERED: ${artifact} has ${info.size} bytes; its manifest signs ${signed.manifest.size}`,
      2,
    );
  }
}

async function findRelease(target: ApiTarget, version: string): Promise<ReleaseView | undefined> {
  try {
    return await callApi<ReleaseView>(target, 'GET', `/api/v1/releases/${encodeURIComponent(version)}`);
  } catch (error) {
    if (error instanceof CliError && error.message.startsWith('NOT_FOUND')) return undefined;
    throw error;
  }
}

/** Streams the file as the request body; progress on stderr at most twice a second. */
async function uploadArtifact(
  target: ApiTarget,
  artifact: string,
  signed: SignedManifest,
  io: CliIo,
): Promise<ReleaseView> {
  const total = signed.manifest.size;
  const startedAt = Date.now();
  let sent = 0;
  let shownAt = 0;
  const source = createReadStream(artifact);
  source.on('data', (chunk) => {
    sent += chunk.length;
    const now = Date.now();
    if (now - shownAt < 500 && sent < total) return;
    shownAt = now;
    io.stderr(`\r${progressLine({ offset: sent, total, sentThisRun: sent }, startedAt, now)}   `);
  });
  const path = `/api/v1/releases/${encodeURIComponent(signed.manifest.version)}/artifact`;
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${target.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(total),
      },
      body: Readable.toWeb(source) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `\nthe upload to ${target.url} failed (${cause?.code ?? cause?.message ?? (error as Error).message})`,
      4,
    );
  } finally {
    source.destroy();
  }
  io.stderr('\n');
  const text = await response.text();
  const body = parseJson(text) as { error?: { code?: string; message?: string } } | undefined;
  if (!response.ok) {
    const { code, message } = body?.error ?? {};
    throw new CliError(
      `${code ?? `HTTP ${response.status}`}: ${message ?? 'no details'}`,
      response.status === 401 ? 3 : 1,
    );
  }
  return body as unknown as ReleaseView;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
