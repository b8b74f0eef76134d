import { access, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { callApi, resolveTarget, sendRequest } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import { formatBytes } from '../../library/format-bytes.js';
import type { LibraryMediaView as MediaView } from '../../library/media-catalog.js';
import { uploadFile, UploadRefused, type UploadProgress } from '../../library/upload-client.js';

/** Unfinished uploads, so `media upload` of the same file resumes a run that was cut. */
export function uploadStatePath(io: CliIo): string {
  const base = io.env.XDG_STATE_HOME || join(io.env.HOME || homedir(), '.local', 'state');
  return join(base, 'gatecast', 'uploads.json');
}

function describeMedia(media: MediaView): { resolution: string; duration: string } {
  const probe = media.probe;
  return {
    resolution: probe?.width && probe.height ? `${probe.width}×${probe.height}` : '-',
    duration: probe?.durationSec ? `${Math.round(probe.durationSec * 10) / 10}s` : '-',
  };
}

/** "47% 512.0 MB of 1.1 GB  85.3 MB/s  ETA 7s" from a progress report and when the run began. */
export function progressLine(progress: UploadProgress, startedAt: number, now: number): string {
  const percent = progress.total === 0 ? 100 : Math.floor((progress.offset / progress.total) * 100);
  const seconds = Math.max((now - startedAt) / 1000, 0.001);
  const rate = progress.sentThisRun / seconds;
  const left = progress.total - progress.offset;
  const eta = rate > 0 ? `${Math.ceil(left / rate)}s` : '?';
  return `${percent}% ${formatBytes(progress.offset)} of ${formatBytes(progress.total)}  ${(rate / 1e6).toFixed(1)} MB/s  ETA ${eta}`;
}

export function registerMediaCommands(program: Command, io: CliIo): void {
  const media = program.command('media').description('the media library: pictures, videos and HTML packages');

  media
    .command('upload <file>')
    .description('upload a file (resumes after a cut, and resumes an earlier interrupted run)')
    .option('--name <name>', 'name in the library (default: the file name)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { name?: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const path = resolve(io.cwd, file);
      await access(path).catch(() => {
        throw new CliError(`cannot read ${path}`, 2);
      });
      const startedAt = Date.now();
      let lastShown = 0;
      const show = (progress: UploadProgress, force = false) => {
        const now = Date.now();
        if (!force && now - lastShown < 500) return;
        lastShown = now;
        io.stderr(`\r${progressLine(progress, startedAt, now)}   `);
      };
      let last: UploadProgress | null = null;
      let outcome;
      try {
        outcome = await uploadFile({
          target,
          path,
          ...(options.name ? { name: options.name } : {}),
          stateFile: uploadStatePath(io),
          onProgress: (progress) => {
            last = progress;
            show(progress);
          },
          onRetry: (attempt, delayMs, reason) =>
            io.stderr(`\nconnection lost (${reason}); retry ${attempt} in ${Math.round(delayMs / 1000)}s\n`),
        });
      } catch (error) {
        if (last) io.stderr('\n');
        if (error instanceof UploadRefused) throw new CliError(error.message, error.status === 401 ? 3 : 1);
        throw new CliError(
          `upload failed: ${(error as Error).message}; run the same command again to resume`,
          4,
        );
      }
      if (last) show(last, true);
      io.stderr('\n');
      if (outcome.resumedFrom !== null) {
        io.stderr(`resumed an earlier upload from ${formatBytes(outcome.resumedFrom)}\n`);
      }
      const { media: stored } = await callApi<{ media: MediaView }>(
        target,
        'GET',
        `/api/v1/library/media/${outcome.sha256}`,
      );
      if (options.json) return printJson(io, stored);
      io.stdout(
        `stored ${stored.name} as ${stored.sha256} (${stored.kind}, ${formatBytes(stored.sizeBytes)})\n`,
      );
      for (const warning of stored.warnings) io.stdout(`warning: ${warning}\n`);
    });

  media
    .command('list')
    .description('list the media library')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { media: list } = await callApi<{ media: MediaView[] }>(target, 'GET', '/api/v1/library/media');
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['SHA256', 'NAME', 'KIND', 'SIZE', 'RESOLUTION', 'DURATION', 'WARNINGS'],
        list.map((item) => {
          const { resolution, duration } = describeMedia(item);
          return [
            item.sha256.slice(0, 12),
            item.name,
            item.kind,
            formatBytes(item.sizeBytes),
            resolution,
            duration,
            String(item.warnings.length),
          ];
        }),
      );
    });

  media
    .command('show <sha256>')
    .description('one media file: probe, warnings and what uses it')
    .option('--json', 'print JSON')
    .action(async (sha: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const answer = await callApi<{ media: MediaView; usedBy: string[] }>(
        target,
        'GET',
        `/api/v1/library/media/${encodeURIComponent(sha)}`,
      );
      if (options.json) return printJson(io, answer);
      const { media: item, usedBy } = answer;
      const { resolution, duration } = describeMedia(item);
      const rows: Array<[string, string]> = [
        ['sha256', item.sha256],
        ['name', item.name],
        ['kind', `${item.kind} (${item.contentType})`],
        ['size', `${formatBytes(item.sizeBytes)} (${item.sizeBytes} bytes)`],
        ['resolution', resolution],
        ['duration', duration],
        ['codec', item.probe?.codec ?? '-'],
        ['frame rate', item.probe?.frameRate ? `${item.probe.frameRate} fps` : '-'],
        ['uploaded', `${item.uploadedAt} by ${item.uploadedBy}`],
        ['used by', usedBy.length > 0 ? usedBy.join(', ') : '-'],
        ...item.warnings.map((warning): [string, string] => ['warning', warning]),
      ];
      for (const [label, value] of rows) io.stdout(`${label.padEnd(11)} ${value}\n`);
    });

  media
    .command('rm <sha256>')
    .description('delete a media file (refused while content uses it)')
    .option('--json', 'print JSON')
    .action(async (sha: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      await callApi(target, 'DELETE', `/api/v1/library/media/${encodeURIComponent(sha)}`);
      if (options.json) return printJson(io, { deleted: sha });
      io.stdout(`deleted ${sha}\n`);
    });

  media
    .command('thumbnail <sha256>')
    .description('save the thumbnail (JPEG) of a picture or video')
    .option('--out <file>', 'where to write it (default <sha256>.jpg)')
    .option('--json', 'print JSON')
    .action(async (sha: string, options: { out?: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const response = await sendRequest(
        target.url,
        'GET',
        `/api/v1/library/media/${encodeURIComponent(sha)}/thumbnail`,
        { authorization: `Bearer ${target.token}` },
      );
      const bytes = Buffer.from(await response.arrayBuffer());
      const file = resolve(io.cwd, options.out ?? `${sha}.jpg`);
      await writeFile(file, bytes);
      if (options.json) return printJson(io, { file, bytes: bytes.length });
      io.stdout(`thumbnail saved to ${file} (${bytes.length} bytes)\n`);
    });
}
