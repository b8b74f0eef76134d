import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveTarget, sendRequest } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import type { SendCommand } from './device-commands.js';
import { globalsOf } from './options.js';

/** Taking the picture and uploading it over the device's link can take a while. */
const SCREENSHOT_TIMEOUT_MS = 60_000;

/** `devices screenshot ID`: the screen uploads a PNG, then the CLI downloads it to a file. */
export function registerScreenshotCommand(devices: Command, io: CliIo, send: SendCommand): void {
  devices
    .command('screenshot <id>')
    .description('save a PNG of what a screen shows now')
    .option('--out <file>', 'where to write the PNG (default <id>-<time>.png)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { out?: string; json?: boolean }, command: Command) => {
      const reply = await send(io, command, id, 'screenshot', {}, SCREENSHOT_TIMEOUT_MS);
      const target = resolveTarget(globalsOf(command), io);
      const path = `/api/v1/devices/${encodeURIComponent(id)}/screenshots/latest`;
      const response = await sendRequest(target.url, 'GET', path, {
        authorization: `Bearer ${target.token}`,
      });
      const png = Buffer.from(await response.arrayBuffer());
      if (!png.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
        throw new CliError('the fleet manager sent something that is not a PNG');
      }
      const file = resolve(io.cwd, options.out ?? defaultFileName(id, new Date()));
      await writeFile(file, png);
      const result = { ...reply.result.result, file, bytes: png.length };
      if (options.json) return printJson(io, result);
      io.stdout(`${id}: screenshot saved to ${file} (${png.length} bytes)\n`);
    });
}

/** `<id>-20261126T065548Z.png`: sortable and free of characters some file systems refuse. */
export function defaultFileName(id: string, at: Date): string {
  return `${id}-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.png`;
}
